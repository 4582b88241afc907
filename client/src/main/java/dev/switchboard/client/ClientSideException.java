package dev.switchboard.client;

import dev.switchboard.protocol.ErrorCode;
import java.util.concurrent.CompletionException;

/**
 * A failure on the client's side, where no server said no: no reply within the request timeout, the connection
 * lost before the reply, the client closed, the handshake refused, the token provider failed. Its code is
 * {@link ErrorCode#INTERNAL}, except for data the client refused before sending, which carries the code the server
 * would have answered with (for example {@link ErrorCode#PAYLOAD_TOO_LARGE}).
 */
public final class ClientSideException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public ClientSideException(ErrorCode code, String message, boolean temporary) {
        super(code, message, temporary);
    }

    /** A local failure with no protocol code of its own. */
    static ClientSideException internal(String message, boolean temporary) {
        return new ClientSideException(ErrorCode.INTERNAL, message, temporary);
    }

    /** What a request failed with: its {@link SwitchboardException}, or anything else described as a temporary one. */
    static SwitchboardException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof SwitchboardException e ? e : internal(describe(cause), true);
    }

    /** A failure's message, or its type when it has none. */
    static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
