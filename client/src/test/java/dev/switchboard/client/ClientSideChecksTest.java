package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the client refuses or reports by itself, with no server involved: it is never connected here. */
class ClientSideChecksTest {

    private final SwitchboardClient client = SwitchboardClient.create(
            SwitchboardClientOptions.builder(URI.create("ws://127.0.0.1:9/never-connected")).build());

    @AfterEach
    void close() {
        client.close();
    }

    private static ClientSideException refusedLocally(CompletableFuture<?> request) {
        CompletionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(CompletionException.class,
                request::join);
        assertThat(failed).as("the request failed").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(ClientSideException.class);
        return (ClientSideException) failed.getCause();
    }

    @Test
    void dataTheServerWouldRefuseFailsBeforeSendingWithTheCodeTheServerWouldGive() {
        assertThat(refusedLocally(client.send("lobby", "{\"unclosed\":")).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusedLocally(client.send("lobby", "1 2")).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        // A value followed by more text must not slip extra fields into the frame it is written into.
        assertThat(refusedLocally(client.send("lobby", "1,\"room\":\"elsewhere\"")).code())
                .isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusedLocally(client.direct("bob", null)).code()).isEqualTo(ErrorCode.MISSING_FIELD);
        ClientSideException tooBig = refusedLocally(client.sendText("lobby", "x".repeat(Limits.MAX_DATA_BYTES)));
        assertThat(tooBig.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(tooBig.temporary()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"join", "send", "refresh", "$default", "$connect", "", "1typing", "typing!", "type ing",
            "t\u00e9l\u00e9"})
    void aCallToANameNoApplicationRouteCanHaveIsRefusedBeforeSending(String action) {
        ClientSideException refused = refusedLocally(client.call(action, "{}"));

        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION);
        assertThat(refused.temporary()).isFalse();
    }

    @Test
    void aCallsNameAndDataAreCheckedAsTheServerChecksThem() {
        assertThat(refusedLocally(client.call(null, "{}")).code()).isEqualTo(ErrorCode.UNKNOWN_ACTION);
        assertThat(refusedLocally(client.call("a" + "b".repeat(64), "{}")).getMessage())
                .contains("not a valid route name");
        assertThat(refusedLocally(client.call("join")).getMessage()).contains("one of Switchboard's own routes");
        assertThat(refusedLocally(client.call("typing", "{\"room\":")).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusedLocally(client.call("typing", "1,\"action\":\"send\"")).code())
                .isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusedLocally(client.call("typing", null)).code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(refusedLocally(client.call("typing", FrameCodec.quote("x".repeat(Limits.MAX_DATA_BYTES)))).code())
                .isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void aRoomNameTheServerWouldRefuseThrowsOnTheCallersThread() {
        assertThatThrownBy(() -> client.join("no spaces allowed")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void requestsOfAClosedClientFailOnItsSide() {
        client.close();
        ClientSideException closed = refusedLocally(client.ping());
        assertThat(closed.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(closed).hasMessage("client closed");
        client.close();
    }

    @Test
    void aMalformedFrameFromTheServerIsLoggedAndDropped() {
        Logger logger = Logger.getLogger(SwitchboardClient.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            JdkSwitchboardClient events = (JdkSwitchboardClient) client;
            events.received("{\"type\":\"message\",\"room\":");
            events.received("[1,2]");
            events.received("{\"type\":\"from-a-newer-server\"}");
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(records).filteredOn(r -> r.getLevel() == Level.WARNING).hasSize(2)
                .allSatisfy(r -> assertThat(new SimpleFormatter().formatMessage(r))
                        .startsWith("dropped a malformed frame from the server"));
        assertThat(client.state()).isEqualTo(SwitchboardClient.State.CLOSED);
    }
}
