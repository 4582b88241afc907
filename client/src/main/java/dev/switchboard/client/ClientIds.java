package dev.switchboard.client;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client instance's identity and its request ids. The instance id is presented at every connect: a stack
 * without authentication derives the user from it, so a retried {@code send} after a reconnect is still the same
 * sender's. Request ids start with a random prefix, so two clients of one user never reuse an id within the server's
 * duplicate-detection window. Safe from any thread.
 */
final class ClientIds {

    /** Random bytes in the instance id: 128 bits, 22 characters of base64url. */
    private static final int INSTANCE_BYTES = 16;
    /** Random bytes before each request id's counter. */
    private static final int ID_PREFIX_BYTES = 6;

    private final String instance;
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    ClientIds() {
        SecureRandom random = new SecureRandom();
        this.instance = randomBase64Url(random, INSTANCE_BYTES);
        this.prefix = randomBase64Url(random, ID_PREFIX_BYTES);
    }

    private static String randomBase64Url(SecureRandom random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    String instance() {
        return instance;
    }

    /** A request id no other request of any client uses. */
    String next() {
        return prefix + "-" + counter.incrementAndGet();
    }
}
