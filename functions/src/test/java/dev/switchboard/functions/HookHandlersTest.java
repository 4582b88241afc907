package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Hooks;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.Invoked;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The join and send handlers, from their event fixtures, on a stack with onJoin and onSend hooks. */
class HookHandlersTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:01:00Z"), ZoneOffset.UTC);
    private static final String ALICE = "Conn-Alice-1=";

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Invoked joinAnswer = new Invoked.Answered("{\"allow\":true}");
    private Invoked sendAnswer = new Invoked.Answered("{\"allow\":true}");
    private final Switchboard switchboard = TestSwitchboard.builder()
            .store(store)
            .clock(CLOCK)
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .hooks(Hooks.invoking(null, event -> {
                events.add(event);
                return joinAnswer;
            }, event -> {
                events.add(event);
                return sendAnswer;
            }, CLOCK))
            .build().switchboard();

    private ServerFrame reply(com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse response) {
        return FrameCodec.decodeServer(response.getBody()).orElseThrow();
    }

    @Test
    void aJoinTheHookDeniesIsForbiddenWithItsReason() {
        new ConnectHandler(switchboard).handleRequest(Events.load("connect"), null);
        joinAnswer = new Invoked.Answered("{\"allow\":false,\"reason\":\"lobby is closed\"}");

        ServerFrame.Error error = (ServerFrame.Error) reply(new JoinHandler(switchboard)
                .handleRequest(Events.load("join"), null));

        assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(error.message()).endsWith(": lobby is closed");
        assertThat(store.find(ALICE).orElseThrow().rooms()).isEmpty();
        assertThat(events).singleElement().asString().contains("\"hook\":\"onJoin\"", "\"user\":\"alice\"");
    }

    @Test
    void aSendWhoseHookTimesOutIsATemporaryHookFailedAndNothingIsSent() {
        new ConnectHandler(switchboard).handleRequest(Events.load("connect"), null);
        switchboard.join(ALICE, new ClientFrame.Join(null, "lobby"));
        sendAnswer = new Invoked.TimedOut();

        ServerFrame.Error error = (ServerFrame.Error) reply(new SendHandler(switchboard)
                .handleRequest(Events.load("send"), null));

        assertThat(error.code()).isEqualTo(ErrorCode.HOOK_FAILED);
        assertThat(error.temporary()).isTrue();
        assertThat(error.id()).isEqualTo("c-3");
        sendAnswer = new Invoked.Answered("{\"allow\":true}");
        assertThat(reply(new SendHandler(switchboard).handleRequest(Events.load("send"), null)))
                .as("the retry with the same id goes through").isInstanceOf(ServerFrame.Ack.class);
    }

    @Test
    void aConnectTheOnConnectHookDeniesIsRefusedWith403AndOneItCannotDecideWith503() {
        List<Invoked> answers = new CopyOnWriteArrayList<>(List.of(
                new Invoked.Answered("{\"allow\":false,\"reason\":\"banned\"}"), new Invoked.TimedOut()));
        Switchboard gated = TestSwitchboard.builder()
                .store(store)
                .clock(CLOCK)
                .hooks(Hooks.invoking(event -> answers.removeFirst(), null, null, CLOCK))
                .build().switchboard();
        ConnectHandler handler = new ConnectHandler(gated);

        assertThat(handler.handleRequest(Events.load("connect"), null).getStatusCode()).isEqualTo(403);
        assertThat(handler.handleRequest(Events.load("connect"), null).getStatusCode()).isEqualTo(503);
        assertThat(store.find(ALICE)).isEmpty();
    }
}
