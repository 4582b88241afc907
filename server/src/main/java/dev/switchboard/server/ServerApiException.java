package dev.switchboard.server;

import dev.switchboard.protocol.ErrorCode;
import java.util.Objects;

/**
 * A server API call that was valid but could not be done, with the protocol's error code and whether trying again
 * later may succeed: {@link ErrorCode#IN_PROGRESS} (a call with the same id is still being done: retry shortly),
 * {@link ErrorCode#INTERNAL} (DynamoDB or the gateway failed or was too slow: retry with the same id, which makes
 * the retry safe), {@link ErrorCode#PAYLOAD_TOO_LARGE} (the gateway refused the message as too large for its
 * recipients; a room message is stored in the history all the same).
 */
public final class ServerApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public ServerApiException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ServerApiException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether the same call may succeed when tried again later. */
    public boolean temporary() {
        return code.temporary();
    }
}
