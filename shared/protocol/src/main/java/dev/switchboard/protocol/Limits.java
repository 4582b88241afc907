package dev.switchboard.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Input limits shared by the server, the emulator and the clients. */
public final class Limits {
    /** API Gateway's message limit: a larger message closes the socket with 1009. */
    public static final int MAX_MESSAGE_BYTES = 128 * 1024;
    /** API Gateway's frame limit; larger messages must arrive as continuation frames. */
    public static final int MAX_FRAME_BYTES = 32 * 1024;
    /** API Gateway closes a connection that has carried no frame for this long; clients ping more often than this. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** API Gateway closes every connection this long after its handshake, however busy. */
    public static final Duration MAX_CONNECTION_LIFETIME = Duration.ofHours(2);
    /**
     * Largest {@code data} value a client may send. Leaves room under the 128 KB @connections limit for the
     * envelope of the outgoing {@code message} frame (room, sender, ids, timestamp).
     */
    public static final int MAX_DATA_BYTES = 120 * 1024;
    /** Longest client frame id. */
    public static final int MAX_ID_LENGTH = 64;
    /** Longest room name. */
    public static final int MAX_ROOM_LENGTH = 128;
    /** Longest user id (a token's {@code sub}); longer ones are refused at {@code $connect}. */
    public static final int MAX_USER_LENGTH = 128;
    /** Longest token a client may present, at {@code $connect} or in a {@code refresh}; real tokens are a few KB. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /**
     * Marks a personal room: {@code inbox~alice} belongs to the user {@code alice} (everything after the first
     * marker), and only that user may join it.
     */
    public static final char PERSONAL_ROOM_MARKER = '~';
    /** Most messages in one {@code history} page. */
    public static final int HISTORY_PAGE_SIZE = 100;
    /** Most bytes of message data in one {@code history} page, so the page stays under the 128 KB limit. */
    public static final int HISTORY_PAGE_BYTES = 100 * 1024;
    /**
     * Most connections one {@code presence} page lists: a page of members with the longest user ids stays well under
     * the 128 KB message limit, however big the room.
     */
    public static final int PRESENCE_PAGE_SIZE = 100;
    /**
     * Longest presence {@code cursor}: what the server hands out is shorter (a position in the room's membership,
     * base64url-encoded), so a longer one was not handed out.
     */
    public static final int MAX_CURSOR_LENGTH = 192;
    /** Rooms one connection may be in at once. */
    public static final int MAX_ROOMS_PER_CONNECTION = 50;
    /** Deepest JSON nesting accepted in a frame. */
    public static final int MAX_JSON_DEPTH = 32;

    /** Starts the user id of a connection of a stack without authentication. */
    public static final String ANONYMOUS_PREFIX = "anonymous:";
    /** Starts the sender of every message published from the server side (the queue, the local publish endpoint). */
    public static final String SERVER_PREFIX = "server:";

    /**
     * Prefixes of the user ids Switchboard gives out itself: {@code anonymous:} for connections of a stack without
     * authentication, {@code server:} for messages published from the server side. No token's {@code sub} may start
     * with one, so nobody can pass for either.
     */
    public static final List<String> RESERVED_USER_PREFIXES = List.of(Limits.ANONYMOUS_PREFIX, Limits.SERVER_PREFIX);

    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.:~\\-]{1," + MAX_ROOM_LENGTH + "}");
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1," + MAX_ID_LENGTH + "}");
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_\\-]{1," + MAX_CURSOR_LENGTH + "}");
    /** Longest connection id accepted from a backend; API Gateway's are 16 characters. */
    public static final int MAX_CONNECTION_ID_LENGTH = 128;
    private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9+/=_-]{1," + MAX_CONNECTION_ID_LENGTH
            + "}");

    private Limits() {
    }

    /** Room names: 1–128 characters of letters, digits, {@code _ . : - ~}. */
    public static boolean isValidRoom(String room) {
        return room != null && ROOM.matcher(room).matches();
    }

    /**
     * The user a personal room belongs to: what follows the first {@value #PERSONAL_ROOM_MARKER} of its name
     * ({@code inbox~alice} is alice's). Empty for a room without the marker; a room whose name ends with the marker
     * belongs to nobody, so nobody may join it.
     */
    public static Optional<String> personalRoomOwner(String room) {
        int marker = room.indexOf(PERSONAL_ROOM_MARKER);
        return marker < 0 ? Optional.empty() : Optional.of(room.substring(marker + 1));
    }

    /**
     * User ids: 1–128 characters, none of them control characters, and well-formed UTF-16 (a lone surrogate is no
     * character: stores would replace it and two different ids could meet).
     */
    public static boolean isValidUser(String user) {
        return user != null && !user.isEmpty() && user.length() <= MAX_USER_LENGTH
                && user.chars().noneMatch(Character::isISOControl)
                && StandardCharsets.UTF_8.newEncoder().canEncode(user);
    }

    /**
     * Whether a user id is one Switchboard gives out itself (anonymous connections, server-side publishers) and a
     * token may not claim: {@link #RESERVED_USER_PREFIXES}.
     */
    public static boolean isReservedUser(String user) {
        return RESERVED_USER_PREFIXES.stream().anyMatch(user::startsWith);
    }

    /**
     * What a presence {@code cursor} may look like before the server reads it: 1–192 characters of base64url
     * ({@code A–Z a–z 0–9 - _}, no padding). Whether it is one the server gave out for the room is the server's check.
     */
    public static boolean isWellFormedCursor(String cursor) {
        return cursor != null && CURSOR.matcher(cursor).matches();
    }

    /**
     * Connection ids as API Gateway and the local stack issue them (base64 of a few bytes): 1–128 characters of
     * letters, digits, {@code + / = _ -}. A backend naming a connection (the server API's disconnect, a fan-out job)
     * is held to this, as the store builds keys and the management API builds URLs from it.
     */
    public static boolean isValidConnectionId(String connectionId) {
        return connectionId != null && CONNECTION_ID.matcher(connectionId).matches();
    }

    /** Frame ids: 1–64 printable ASCII characters without spaces. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
