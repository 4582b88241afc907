package dev.switchboard.functions.auth;

/**
 * A token failed verification. The message is a short reason safe to log: it never contains the token or its
 * claims.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public TokenRejectedException(String reason) {
        super(reason);
    }
}
