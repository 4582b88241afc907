package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token the server accepts, at the handshake or in a {@code refresh}, must not already count as expired for the
 * connection. Today the verifier allows 60 s of clock skew on {@code exp} while the connection's grant expires at
 * {@code exp} exactly: a token that expired 10 s ago opens a connection whose first frame is answered TOKEN_EXPIRED
 * (and the connection closed), and a refresh with it is acknowledged with an {@code exp} in the past, after which
 * the next frame is TOKEN_EXPIRED. The protocol says a refresh with an expired token is refused with FORBIDDEN and
 * the old grant stays.
 */
class TokenExpiryConsistencyTest {

    private static LocalRuntime stack;
    private static String secret;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withAuth(true));
        secret = stack.jwtSecret().orElseThrow();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static URI withToken(String token) {
        return URI.create(stack.webSocketUrl() + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    @Test
    void aTokenTheHandshakeAcceptsIsNotExpiredAtTheConnectionsFirstFrame() {
        URI url = withToken(LocalTokens.mint(secret, "erin", Duration.ofSeconds(-10)));
        int status = TestSocket.refusalStatus(url, Map.of());
        if (status != 101) {
            assertThat(status).as("refused at the handshake, as an expired token").isEqualTo(403);
            return;
        }
        try (TestSocket socket = TestSocket.open(url)) {
            socket.send("{\"action\":\"ping\",\"id\":\"p\"}");
            assertThat(socket.next()).as("the handshake accepted the token, so the connection may use it")
                    .contains("\"type\":\"pong\"");
        }
    }

    @Test
    void aRefreshWithATokenThatExpiredSecondsAgoIsRefusedAndTheOldGrantStays() {
        try (TestSocket socket = TestSocket.open(withToken(LocalTokens.mint(secret, "erin", Duration.ofHours(1))))) {
            String expired = LocalTokens.mint(secret, "erin", Duration.ofSeconds(-10));
            socket.send("{\"action\":\"refresh\",\"id\":\"r\",\"token\":\"" + expired + "\"}");
            assertThat(socket.next("\"r\"")).contains("\"code\":\"FORBIDDEN\"");
            socket.send("{\"action\":\"ping\",\"id\":\"p\"}");
            assertThat(socket.next("\"p\"")).as("the old grant stays").contains("\"type\":\"pong\"");
        }
    }
}
