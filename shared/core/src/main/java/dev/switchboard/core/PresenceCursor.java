package dev.switchboard.core;

import dev.switchboard.protocol.Limits;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Where the next page of a room's presence starts: a shard of the room's membership and the connection id of the
 * last member listed from it ({@code after}; null for the shard's beginning). Clients get it as an opaque text and
 * send it back, so reading it is reading client input: {@link #decode} accepts exactly what {@link #encode} makes
 * for the same room, for a shard the store has, and nothing else.
 *
 * <p>The text is base64url (no padding) of: a version byte, the shard (two bytes), the first eight bytes of the
 * SHA-256 of the room name, and {@code after} in UTF-8. The room's digest makes a cursor of another room a refusal
 * rather than a position here. It is not signed, and need not be: a made-up position can only start a page
 * elsewhere in the same room, which its caller may list anyway, and the store builds the key it starts after from
 * the room it was asked about.
 */
record PresenceCursor(int shard, String after) {

    /** The first page: shard 0 from its beginning. */
    static final PresenceCursor START = new PresenceCursor(0, null);

    /**
     * Longest connection id a cursor holds, in UTF-8 bytes; API Gateway's are 16 characters. The longest cursor
     * this makes stays within {@link Limits#MAX_CURSOR_LENGTH}.
     */
    static final int MAX_AFTER_BYTES = 128;

    private static final byte VERSION = 1;
    private static final int ROOM_TAG_BYTES = 8;
    private static final int HEADER_BYTES = 1 + 2 + ROOM_TAG_BYTES;
    private static final int MAX_SHARD = 0xFFFF;

    PresenceCursor {
        if (shard < 0 || shard > MAX_SHARD) {
            throw new IllegalArgumentException("shard " + shard + " out of range");
        }
        if (after != null && !isPosition(after)) {
            throw new IllegalArgumentException("a connection id of " + after.length()
                    + " characters cannot be a presence position");
        }
    }

    /** Whether a connection id can be a position: 1–128 bytes of UTF-8, no control characters. */
    private static boolean isPosition(String connectionId) {
        if (connectionId.isEmpty() || connectionId.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        byte[] utf8 = strictUtf8(connectionId);
        return utf8 != null && utf8.length <= MAX_AFTER_BYTES;
    }

    /** The cursor as the client gets it, bound to {@code room}. */
    String encode(String room) {
        byte[] position = after == null ? new byte[0] : after.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_BYTES + position.length)
                .put(VERSION)
                .putShort((short) shard)
                .put(roomTag(room))
                .put(position);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /**
     * The position a client's cursor names in {@code room}; empty for anything that is not exactly a cursor this
     * class made for this room and a shard below {@code shards} (malformed, too long, another room's, another
     * version's, or edited).
     */
    static Optional<PresenceCursor> decode(String room, String text, int shards) {
        if (!Limits.isWellFormedCursor(text)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length < HEADER_BYTES || bytes.length > HEADER_BYTES + MAX_AFTER_BYTES || bytes[0] != VERSION) {
            return Optional.empty();
        }
        int shard = ((bytes[1] & 0xFF) << 8) | (bytes[2] & 0xFF);
        if (shard >= shards
                || !MessageDigest.isEqual(Arrays.copyOfRange(bytes, 3, HEADER_BYTES), roomTag(room))) {
            return Optional.empty();
        }
        String after = null;
        if (bytes.length > HEADER_BYTES) {
            after = strictString(Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length));
            if (after == null || !isPosition(after)) {
                return Optional.empty();
            }
        }
        PresenceCursor cursor = new PresenceCursor(shard, after);
        // Only the one spelling this class writes: no padding, no stray bits in the last character.
        return cursor.encode(room).equals(text) ? Optional.of(cursor) : Optional.empty();
    }

    private static byte[] roomTag(String room) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(room.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, ROOM_TAG_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] strictUtf8(String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            return Arrays.copyOf(encoded.array(), encoded.limit());
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String strictString(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
