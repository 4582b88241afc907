package dev.switchboard.protocol;

/**
 * The WebSocket close codes (RFC 6455, section 7.4.1) that mean something in Switchboard: what the gateway (API
 * Gateway, or the local runtime standing in for it) closes a socket with, and what clients act on. API Gateway's
 * {@code @connections} DELETE always closes with {@link #NORMAL_CLOSURE}, so the reason a server-side close
 * happened travels in the {@code error} frame sent before it, not in the code.
 */
public final class CloseCodes {

    /** Done with the connection: a client's own close, or a server-side {@code @connections} DELETE. */
    public static final int NORMAL_CLOSURE = 1000;
    /** The gateway is going away: idle or lifetime limit reached, or the local runtime stopping. */
    public static final int GOING_AWAY = 1001;
    /** Never sent on the wire: stands for a close frame that carried no code. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Never sent on the wire: stands for a socket that ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** The peer's behaviour is refused (a reader that never reads): reconnecting would not change that. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame or message over API Gateway's size limits ({@link Limits#MAX_FRAME_BYTES}, {@link Limits#MAX_MESSAGE_BYTES}). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The gateway failed while handling the connection. */
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }
}
