package dev.switchboard.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * When a token expires and when to refresh it. The client reads the JWT's {@code exp} only to schedule its
 * refresh: the server verifies every token, so the client checks no signature.
 */
final class TokenLifetime {

    /** A refresh goes out at least this long before expiry (unless the token lives less than twice as long). */
    static final Duration MIN_LEAD = Duration.ofSeconds(5);

    private static final JsonFactory JSON = new JsonFactory();

    private TokenLifetime() {
    }

    /** The token's {@code exp}; empty when it has none or is not a JWT this client can read. */
    static Optional<Instant> expiry(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(parts[1]);
        } catch (IllegalArgumentException notBase64Url) {
            return Optional.empty();
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("exp")) {
                    return value.isNumeric() ? Optional.of(Instant.ofEpochSecond((long) parser.getDoubleValue()))
                            : Optional.empty();
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /**
     * How long to wait before refreshing a token that expires in {@code remaining}: at 80 % of it, but at least
     * {@link #MIN_LEAD} before expiry, and never in less than half of it (so a short-lived token is not refreshed in
     * a tight loop).
     */
    static Duration refreshDelay(Duration remaining) {
        if (remaining.isNegative() || remaining.isZero()) {
            return Duration.ZERO;
        }
        Duration fifth = remaining.dividedBy(5);
        Duration half = remaining.dividedBy(2);
        Duration lead = max(fifth, MIN_LEAD.compareTo(half) < 0 ? MIN_LEAD : half);
        return remaining.minus(lead);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
