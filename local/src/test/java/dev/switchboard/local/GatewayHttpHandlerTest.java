package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's answers to malformed HTTP, on the embedded pipeline (each case was found by fuzzing). The requests
 * name the embedded gateway ({@code localhost:3001}) as their {@code Host}, as every client does.
 */
class GatewayHttpHandlerTest {

    private static final String HOST = "Host: localhost:3001\r\n";

    @Test
    void aMalformedEscapeInThePathOrQueryIsA400NotADroppedConnection() {
        // QueryStringDecoder throws on %zz; the exception reached the channel, which closed without an answer.
        for (String request : List.of(
                "POST /local/@connections/nobody%zz HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\n\r\nhi",
                "GET /local/%zz HTTP/1.1\r\n" + HOST + "\r\n",
                "GET /local?token=%zz HTTP/1.1\r\n" + HOST + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")) {
            EmbeddedGateway gateway = new EmbeddedGateway(false);

            EmbeddedGateway.Exchange exchange = gateway.send(request);

            assertThat(exchange.only().status()).as(request).isEqualTo(400);
            assertThat(exchange.only().headers().get("x-amzn-ErrorType")).isEqualTo("BadRequestException");
            assertThat(exchange.closedByGateway()).isFalse();
            gateway.hangUp();
        }
    }

    @Test
    void aRequestTheCodecCannotReadIsA400AndTheConnectionCloses() {
        EmbeddedGateway gateway = new EmbeddedGateway(false);

        EmbeddedGateway.Exchange exchange = gateway.send("GET / HTTP/1.1\r\n" + HOST + "No Colon Here\r\n\r\n");

        assertThat(exchange.only().status()).isEqualTo(400);
        assertThat(exchange.closedByGateway()).isTrue();
    }

    @Test
    void aConnectionIdInTheManagementPathIsDecodedOnce() {
        // As the SDKs send it: the id escaped once. It used to be decoded twice, so %253D also found "...=".
        EmbeddedGateway gateway = new EmbeddedGateway(false);

        EmbeddedGateway.Exchange once = gateway.send("POST /local/@connections/Conn%2DAlice-1%3D HTTP/1.1\r\n" + HOST
                + "Content-Length: 4\r\n\r\n\"hi\"");
        EmbeddedGateway.Exchange twice = gateway.send("POST /local/@connections/Conn-Alice-1%253D HTTP/1.1\r\n" + HOST
                + "Content-Length: 4\r\n\r\n\"no\"");

        assertThat(once.only().status()).isEqualTo(200);
        assertThat(twice.only().status()).isEqualTo(410);
        assertThat(gateway.sentToAlice()).singleElement().isInstanceOfSatisfying(TextWebSocketFrame.class,
                frame -> assertThat(frame.text()).isEqualTo("\"hi\""));
        gateway.hangUp();
    }

    private static final String UPGRADE_HEADERS = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";

    @Test
    void aHandshakeThatCannotUpgradeIsRefusedBeforeConnectRegistersAnything() {
        // The upgrade threw after $connect had stored the connection: the socket closed without an answer, and the
        // connection stayed in the store and the gateway's list, with no $disconnect ever to come.
        for (String headers : List.of(UPGRADE_HEADERS + VERSION, "Upgrade: websocket\r\n" + KEY + VERSION,
                "Upgrade: websocket, h2c\r\nConnection: Upgrade\r\n" + KEY + VERSION)) {
            EmbeddedGateway gateway = new EmbeddedGateway(false);

            EmbeddedGateway.Exchange exchange = gateway.send("GET /local HTTP/1.1\r\n" + HOST + headers + "\r\n");

            assertThat(exchange.only().status()).as(headers).isEqualTo(400);
            assertThat(exchange.closedByGateway()).isTrue();
            assertThat(gateway.leftInStore()).isEmpty();
            assertThat(gateway.listed()).isEqualTo(1);
        }
    }

    @Test
    void aHandshakeOfAnotherWebSocketVersionIsA426NamingVersion13() {
        EmbeddedGateway gateway = new EmbeddedGateway(false);

        EmbeddedGateway.Exchange exchange = gateway.send("GET /local HTTP/1.1\r\n" + HOST + UPGRADE_HEADERS + KEY
                + "Sec-WebSocket-Version: 8\r\n\r\n");

        assertThat(exchange.only().status()).isEqualTo(426);
        assertThat(exchange.only().headers().get("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(gateway.leftInStore()).isEmpty();
    }

    @Test
    void aValidHandshakeUpgradesAndHangingUpRunsDisconnect() {
        EmbeddedGateway gateway = new EmbeddedGateway(false);

        EmbeddedGateway.Exchange exchange = gateway.send("GET /local HTTP/1.1\r\n" + HOST + UPGRADE_HEADERS + KEY
                + VERSION + "\r\n");

        assertThat(exchange.only().status()).isEqualTo(101);
        assertThat(gateway.leftInStore()).hasSize(1);
        assertThat(gateway.listed()).isEqualTo(2);
        gateway.hangUp();
        assertThat(gateway.leftInStore()).isEmpty();
        assertThat(gateway.listed()).isEqualTo(1);
    }

    @Test
    void aQueryParameterNamedLikeAPathReachesTheAuthorizerAndConnectAsSent() {
        // The events were built with Jackson's withArray, which reads a name starting with '/' as a JSON Pointer:
        // ?/local/x=1 became nested objects the Lambda runtime could not read, and the handshake a 500.
        String token = LocalTokens.mint(EmbeddedGateway.SECRET, "fuzzer", java.time.Duration.ofHours(1));
        for (boolean auth : List.of(false, true)) {
            EmbeddedGateway gateway = new EmbeddedGateway(auth);

            EmbeddedGateway.Exchange exchange = gateway.send("GET /local?/local/x=1&/local/x=2&token=" + token
                    + " HTTP/1.1\r\n" + HOST + UPGRADE_HEADERS + KEY + VERSION + "\r\n");

            assertThat(exchange.only().status()).as("auth %s", auth).isEqualTo(101);
            gateway.hangUp();
        }
    }

    @Test
    void requestsPipelinedBehindAHandshakeAreIgnored() {
        // Found by fuzzing: two handshakes in one read both ran $connect; the second upgrade then failed (the
        // first had already reshaped the pipeline), closing the socket and leaving its connection in the store.
        EmbeddedGateway gateway = new EmbeddedGateway(false);
        String handshake = "GET /local HTTP/1.1\r\n" + HOST + UPGRADE_HEADERS + KEY + VERSION + "\r\n";

        EmbeddedGateway.Exchange exchange = gateway.send(handshake + "GET /local/@connections/"
                + EmbeddedGateway.OPEN_CONNECTION + " HTTP/1.1\r\n" + HOST + "\r\n" + handshake);

        assertThat(exchange.only().status()).isEqualTo(101);
        assertThat(exchange.closedByGateway()).isFalse();
        assertThat(gateway.leftInStore()).hasSize(1);
        gateway.hangUp();
        assertThat(gateway.leftInStore()).isEmpty();
        assertThat(gateway.listed()).isEqualTo(1);
    }

    @Test
    void requestsPipelinedBehindAnAnswerThatClosedTheConnectionAreIgnored() {
        // Found by fuzzing: a refused handshake (400, connection closed) followed in the same read by a valid one;
        // the second ran $connect on the closed channel and its connection stayed in the store.
        EmbeddedGateway gateway = new EmbeddedGateway(false);

        EmbeddedGateway.Exchange exchange = gateway.send("GET /local HTTP/1.1\r\n" + HOST + "Upgrade: websocket\r\n"
                + KEY + VERSION + "\r\n" + "GET /local HTTP/1.1\r\n" + HOST + UPGRADE_HEADERS + KEY + VERSION + "\r\n");

        assertThat(exchange.only().status()).isEqualTo(400);
        assertThat(exchange.closedByGateway()).isTrue();
        assertThat(gateway.leftInStore()).isEmpty();
    }
}
