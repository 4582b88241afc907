package dev.switchboard.client;

import dev.switchboard.protocol.ErrorCode;

/**
 * Why a request, or the client itself, did not get what it asked for: either the server said no
 * ({@link ServerErrorException}, with the server's {@link ErrorCode}) or the client could not complete it
 * ({@link ClientSideException}: no reply in time, the connection lost, the client closed, data refused before
 * sending).
 */
public abstract sealed class SwitchboardException extends RuntimeException
        permits ServerErrorException, ClientSideException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final boolean temporary;

    SwitchboardException(ErrorCode code, String message, boolean temporary) {
        super(message);
        this.code = code;
        this.temporary = temporary;
    }

    /** The error's code: the server's, or the one the server would have given for what the client refused. */
    public ErrorCode code() {
        return code;
    }

    /** Whether the same request may succeed later. */
    public boolean temporary() {
        return temporary;
    }
}
