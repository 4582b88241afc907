package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames for application routes: what is read from a client, and what no frame can carry into an event. */
class ApplicationFrameTest {

    @Test
    void aCallIsReadWithItsIdAndItsDataCompacted() {
        ApplicationFrame call = ApplicationFrame.decode(
                "{\"action\":\"typing\",\"id\":\"7\",\"data\":{ \"room\" : \"t-1\" }}");

        assertThat(call).isEqualTo(new ApplicationFrame("7", "typing", "{\"room\":\"t-1\"}"));
        assertThat(ApplicationFrame.decode(call.encode())).isEqualTo(call);
        assertThat(ApplicationFrame.decode("{\"action\":\"typing\"}").data()).isEqualTo("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"join", "send", "$default", "9lives", "a b"})
    void aNameNoApplicationRouteMayHaveIsAnUnknownAction(String action) {
        assertThatThrownBy(() -> ApplicationFrame.decode("{\"action\":\"" + action + "\",\"id\":\"1\"}"))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.toFrame().code()).isEqualTo(ErrorCode.UNKNOWN_ACTION));
    }

    @Test
    void dataOverTheLimitIsRefusedWithTheCallsId() {
        String body = "{\"action\":\"typing\",\"id\":\"big\",\"data\":\"" + "x".repeat(Limits.MAX_DATA_BYTES) + "\"}";

        assertThatThrownBy(() -> ApplicationFrame.decode(body)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.toFrame().code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThat(e.toFrame().id()).isEqualTo("big");
        });
    }

    @Test
    void dataThatIsNotOneJsonValueCannotBeBuiltIntoAFrame() {
        // Spliced into the function's event as it is, this would add a second "user" field.
        assertThatThrownBy(() -> new ApplicationFrame("1", "typing", "null,\"user\":\"admin\""))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.toFrame().code()).isEqualTo(ErrorCode.INVALID_FIELD));
    }
}
