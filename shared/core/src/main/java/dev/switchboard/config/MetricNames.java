package dev.switchboard.config;

/**
 * The CloudWatch metrics the functions emit (as EMF log lines) and the stack's alarms and dashboard read: their
 * namespace, names and the dimension that tells deployments apart, in one place so the two cannot drift apart.
 */
public final class MetricNames {
    /** Namespace of every Switchboard metric. */
    public static final String NAMESPACE = "Switchboard";
    /** The dimension naming the deployment (Powertools' service name, which the stack sets to its own name). */
    public static final String SERVICE_DIMENSION = "Service";
    /** The dimension naming the route a frame came in on. */
    public static final String ROUTE_DIMENSION = "Route";

    public static final String CONNECTIONS_OPENED = "ConnectionsOpened";
    public static final String CONNECTIONS_CLOSED = "ConnectionsClosed";
    /** Handshakes refused because the user already held the most connections a user may. */
    public static final String CONNECTIONS_REFUSED = "ConnectionsRefused";
    /** Rooms a disconnect's leaving was not announced in, past the presence posts one disconnect may cause. */
    public static final String PRESENCE_NOT_SENT = "PresenceEventsNotSent";
    public static final String MESSAGES_IN = "MessagesIn";
    public static final String ERROR_REPLIES = "ErrorReplies";
    /**
     * Frames and handshakes refused because one of the application's functions did not answer in time or could not
     * be invoked: an application route ({@code APPLICATION_TIMEOUT}) or a hook ({@code HOOK_FAILED}, a {@code $connect}
     * refused with 503). Service dimension alone; alarmed when the stack has extensions.
     */
    public static final String EXTENSION_FAILURES = "ExtensionFailures";
    /** Posts a connection accepted. */
    public static final String DELIVERIES = "Deliveries";
    /** Recipients found closed (410) and pruned. */
    public static final String DELIVERIES_GONE = "DeliveriesGone";
    /** Recipients handed to the fan-out queue for a later attempt. */
    public static final String DELIVERIES_DEFERRED = "DeliveriesDeferred";
    /**
     * Recipients who will never get a frame: refused for good (too large), or still failing after the last attempt.
     * Emitted with the service dimension only, and only when nonzero, so one alarm covers every function.
     */
    public static final String DELIVERY_FAILURES = "DeliveryFailures";
    /** Recipients of one broadcast. */
    public static final String FAN_OUT_SIZE = "FanOutSize";
    public static final String BROADCAST_DURATION = "BroadcastDuration";

    /** Events the events function put on the application's bus. */
    public static final String EVENTS_PUT = "EventsPut";
    /**
     * Events not put after the retries of one invocation: the stream delivers their records again, and after its
     * own retries sends what still fails to the events failure queue, whose depth is alarmed.
     */
    public static final String EVENTS_NOT_PUT = "EventsNotPut";

    private MetricNames() {
    }
}
