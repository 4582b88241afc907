package dev.switchboard.infra;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.events.IEventBus;

/**
 * The event stream: what happens in Switchboard (messages, joins, leaves, connects, disconnects) put as events on an
 * EventBridge bus the application owns, from the table's DynamoDB stream, so the send path gains no call. See
 * docs/extending.md for the events' schema.
 *
 * <pre>{@code
 * EventBus bus = EventBus.Builder.create(app, "Orders").build();
 * SwitchboardProps props = SwitchboardProps.builder().eventStream(EventStream.to(bus).withSource("support.desk"))
 *         .build();
 * }</pre>
 *
 * @param bus          the bus, when given as a construct
 * @param busReference the bus's name or ARN, when given as text (CDK context); exactly one of the two is present
 * @param source       the events' {@code source}
 */
public record EventStream(Optional<IEventBus> bus, Optional<String> busReference, String source) {

    /** The events' {@code source} unless another is named; the events function's own default is the same. */
    public static final String DEFAULT_SOURCE = "switchboard";

    /** A bus name as EventBridge allows it, or a bus ARN. */
    private static final Pattern BUS = Pattern.compile(
            "[\\w.-]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[\\w.-]{1,256}");
    /** What a {@code source} may hold; {@code aws.} starts AWS's own sources. */
    private static final Pattern SOURCE = Pattern.compile("[\\w./-]{1,256}");

    public EventStream {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(busReference, "busReference");
        if (bus.isPresent() == busReference.isPresent()) {
            throw new IllegalArgumentException("an event stream names one bus: a construct or a name or ARN");
        }
        busReference.ifPresent(reference -> {
            if (!BUS.matcher(reference).matches()) {
                throw new IllegalArgumentException(ContextKeys.EVENT_BUS + " must be an EventBridge bus name (letters,"
                        + " digits, '.', '_', '-') or ARN (arn:aws:events:<region>:<account>:event-bus/<name>), was '"
                        + reference + "'");
            }
        });
        if (source == null || !SOURCE.matcher(source).matches() || source.startsWith("aws.")) {
            throw new IllegalArgumentException(ContextKeys.EVENT_SOURCE + " must be 1-256 letters, digits, '.', '_',"
                    + " '-' or '/', not starting with 'aws.' (AWS's own sources), was '" + source + "'");
        }
    }

    /** Events on a bus of the application's, with the default source. */
    public static EventStream to(IEventBus bus) {
        return new EventStream(Optional.of(bus), Optional.empty(), DEFAULT_SOURCE);
    }

    /** Events on the bus with this name or ARN (one in the stack's account and region, by name). */
    public static EventStream toBus(String nameOrArn) {
        return new EventStream(Optional.empty(), Optional.ofNullable(nameOrArn), DEFAULT_SOURCE);
    }

    /** The same stream with another {@code source}, e.g. {@code support.desk}. */
    public EventStream withSource(String value) {
        return new EventStream(bus, busReference, value);
    }
}
