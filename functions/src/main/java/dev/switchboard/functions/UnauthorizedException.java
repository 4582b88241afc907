package dev.switchboard.functions;

/**
 * Thrown by the authorizer when the request carries no token. API Gateway answers the handshake with 401 when
 * a Lambda authorizer fails with exactly the message {@code Unauthorized}.
 */
public final class UnauthorizedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String MESSAGE = "Unauthorized";

    public UnauthorizedException() {
        super(MESSAGE, null, false, false);
    }
}
