package dev.switchboard.protocol;

import java.util.regex.Pattern;

/**
 * What a client presents when it opens the WebSocket: where the token goes and how an anonymous client keeps one
 * identity across reconnects. The authorizer, the local gateway and both clients read these names from here.
 *
 * <pre>{@code
 * URI url = URI.create("wss://abc.execute-api.eu-west-1.amazonaws.com/prod?"
 *         + Handshake.TOKEN_PARAMETER + "=" + jwt + "&" + Handshake.INSTANCE_PARAMETER + "=" + instanceId);
 * }</pre>
 */
public final class Handshake {

    /** Query parameter carrying the JWT (browsers cannot set headers on a WebSocket). */
    public static final String TOKEN_PARAMETER = "token";
    /** Header carrying the JWT as {@code Bearer <token>}, for clients that can set headers. */
    public static final String AUTHORIZATION_HEADER = "Authorization";
    /**
     * Query parameter carrying a client's instance id: a random secret the client makes once and presents at every
     * (re)connect. Where the stack runs without authentication, the connection's user id is derived from it, so a
     * client that reconnects is still the same sender (and its retried sends are still recognised), while nobody who
     * does not know the secret can act as that client. Ignored where tokens are verified.
     */
    public static final String INSTANCE_PARAMETER = "instance";
    /** Shortest instance id: 16 characters of the base64url alphabet carry 96 random bits. */
    public static final int MIN_INSTANCE_LENGTH = 16;
    /** Longest instance id. */
    public static final int MAX_INSTANCE_LENGTH = 64;

    private static final Pattern INSTANCE = Pattern.compile(
            "[A-Za-z0-9_\\-]{" + MIN_INSTANCE_LENGTH + "," + MAX_INSTANCE_LENGTH + "}");

    private Handshake() {
    }

    /** Instance ids: 16–64 characters of {@code A–Z a–z 0–9 _ -} (what a base64url encoder produces). */
    public static boolean isValidInstance(String instance) {
        return instance != null && INSTANCE.matcher(instance).matches();
    }
}
