package dev.switchboard.client;

import dev.switchboard.protocol.ErrorCode;

/**
 * A request the server refused (with its {@link ErrorCode}), or one that could not complete (timeout, connection
 * lost, client closed).
 */
public final class SwitchboardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final boolean temporary;

    public SwitchboardException(ErrorCode code, String message, boolean temporary) {
        super(message);
        this.code = code;
        this.temporary = temporary;
    }

    /** The server's error code; {@link ErrorCode#INTERNAL} for local failures such as timeouts. */
    public ErrorCode code() {
        return code;
    }

    /** Whether the same request may succeed later. */
    public boolean temporary() {
        return temporary;
    }
}
