package dev.switchboard.protocol;

/**
 * UTF-8 sizes of text, counted without encoding it: the protocol's limits are in bytes, Java strings in UTF-16
 * units. An unpaired surrogate counts as the 3 bytes of its code unit.
 *
 * <pre>{@code
 * Utf8.length("aé€😀");          // 1 + 2 + 3 + 4 = 10
 * Utf8.codePointLength(0x1F600);  // 4
 * }</pre>
 */
public final class Utf8 {

    private Utf8() {
    }

    /** UTF-8 size of a text, computed without allocating. */
    public static int length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = Character.codePointAt(text, i);
            bytes += codePointLength(codePoint);
            i += Character.charCount(codePoint);
        }
        return bytes;
    }

    /** UTF-8 size of one code point: 1 to 4 bytes. */
    public static int codePointLength(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
}
