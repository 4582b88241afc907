package dev.switchboard.functions.auth;

/**
 * A token failed verification. The message is a short reason safe to log: it never contains the token or its
 * claims. {@link #unauthenticated()} tells a token that identifies nobody Switchboard can serve (API Gateway then
 * answers 401) from one that is invalid or not for this application (403).
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean unauthenticated;

    public TokenRejectedException(String reason) {
        this(reason, false);
    }

    private TokenRejectedException(String reason, boolean unauthenticated) {
        super(reason);
        this.unauthenticated = unauthenticated;
    }

    /** A token whose subject is not a usable user id: as good as no token at all. */
    public static TokenRejectedException unauthenticated(String reason) {
        return new TokenRejectedException(reason, true);
    }

    public boolean unauthenticated() {
        return unauthenticated;
    }
}
