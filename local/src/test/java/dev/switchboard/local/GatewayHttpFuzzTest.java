package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The emulator's HTTP side on arbitrary bytes from a client: WebSocket handshakes (authorizer, {@code $connect},
 * upgrade), the {@code @connections} Management API, {@code POST /publish} and static files, through the
 * gateway's own pipeline on an {@link EmbeddedGateway}, once with the JWT authorizer on and once with it off.
 *
 * <p>Whatever arrives: every answer is below 500; the gateway never hangs up without answering; no handler logs
 * an error; and once the client is gone, every connection {@code $connect} registered has been removed again by
 * {@code $disconnect}, in the store and in the gateway's list. The inputs are raw HTTP/1.1, so the committed ones
 * under {@code GatewayHttpFuzzTestInputs/httpRequest/} read as requests; their tokens are signed with
 * {@link EmbeddedGateway#SECRET} for user {@code fuzzer} and valid until 2100.
 */
class GatewayHttpFuzzTest {

    @FuzzTest
    void httpRequest(byte[] input) {
        ErrorLog.install();
        run(input, true);
        run(input, false);
    }

    private static void run(byte[] input, boolean auth) {
        String request = (auth ? "(auth on) " : "(auth off) ")
                + new String(input, 0, Math.min(input.length, 100), StandardCharsets.ISO_8859_1).lines().findFirst()
                        .orElse("");
        EmbeddedGateway gateway = new EmbeddedGateway(auth);
        EmbeddedGateway.Exchange exchange = gateway.send(input);
        gateway.hangUp();

        for (EmbeddedGateway.Answer answer : exchange.responses()) {
            assertThat(answer.status()).as("status for %s", request).isLessThan(500);
        }
        if (exchange.closedByGateway()) {
            assertThat(exchange.responses()).as("the gateway hung up without answering %s", request).isNotEmpty();
        }
        assertThat(gateway.leftInStore()).as("connections $connect registered and $disconnect never removed, %s",
                request).isEmpty();
        assertThat(gateway.listed()).as("connections the gateway still lists, %s", request).isEqualTo(1);
        assertThat(ErrorLog.drain()).as(request).isEmpty();
    }
}
