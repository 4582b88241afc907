package dev.switchboard.client;

import dev.switchboard.protocol.Utf8;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text message into WebSocket frames of at most N UTF-8 bytes (API Gateway refuses single frames over
 * 32 KB), never inside a surrogate pair.
 */
final class FrameChunks {

    /** One frame's part of a message; {@code last} on the final part, which ends the message. */
    record Chunk(String text, boolean last) {
    }

    private FrameChunks() {
    }

    static List<Chunk> split(String text, int maxBytes) {
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int size = Utf8.codePointLength(codePoint);
            if (bytes + size > maxBytes) {
                chunks.add(new Chunk(text.substring(start, i), false));
                start = i;
                bytes = 0;
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        chunks.add(new Chunk(text.substring(start), true));
        return chunks;
    }
}
