package dev.switchboard.functions.aws;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One event of the event stream: its detail type ({@code message.published}, ...), when it happened, and its detail
 * as a JSON object. The same value becomes an EventBridge entry in AWS and the JSON envelope the local stack posts or
 * prints ({@link #envelope}).
 *
 * @param detailType one of {@link TableEvents}'s detail types
 * @param time       when it happened; EventBridge keeps whole seconds, the detail's {@code at} keeps milliseconds
 * @param detail     the detail, a JSON object
 */
public record SwitchboardEvent(String detailType, Instant time, String detail) {

    public SwitchboardEvent {
        Objects.requireNonNull(detailType, "detailType");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * What the event weighs against PutEvents' request limit, counted as EventBridge counts an entry: its time (14
     * bytes), source, detail type and detail in UTF-8.
     */
    public int entrySize(String source) {
        return 14 + utf8(source) + utf8(detailType) + utf8(detail);
    }

    /**
     * The event as EventBridge would deliver its main fields, one JSON object on one line:
     * {@code {"detail-type":"message.published","source":"switchboard","time":"…","detail":{…}}}.
     */
    public String envelope(String source) {
        return "{\"detail-type\":" + TableEvents.quote(detailType) + ",\"source\":" + TableEvents.quote(source)
                + ",\"time\":\"" + time.truncatedTo(ChronoUnit.SECONDS) + "\",\"detail\":" + detail + "}";
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
