package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.RecordingSender;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The onJoin and onSend hooks through the use cases: how their decisions combine with the token's rights, that a
 * denial or a failure changes nothing, that garbage is a denial, and what is asked when.
 */
class HooksTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Grant LOBBY_SEND = new Grant(Capabilities.fromCompact("lobby=js|"), NOW.plusSeconds(3600));

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final RecordingSender sender = RecordingSender.delivering();
    private final Map<String, List<ServerFrame>> inboxes = sender.inboxes();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Function<String, Invoked> onJoin = event -> new Invoked.Answered("{\"allow\":true}");
    private Function<String, Invoked> onSend = event -> new Invoked.Answered("{\"allow\":true}");
    private final Switchboard switchboard = TestSwitchboard.builder()
            .store(store)
            .sender(sender)
            .clock(CLOCK)
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .hooks(Hooks.invoking(null, event -> {
                events.add(event);
                return onJoin.apply(event);
            }, event -> {
                events.add(event);
                return onSend.apply(event);
            }, CLOCK))
            .build().switchboard();

    private ServerFrame join(String connectionId, String room) {
        return switchboard.join(connectionId, new ClientFrame.Join("j", room));
    }

    private ServerFrame send(String connectionId, String id, String data) {
        return switchboard.send(connectionId, "alice", new ClientFrame.Send(id, "lobby", data)).reply();
    }

    @Test
    void anAllowedJoinHasTheTokensRightsAndTheHooksWithoutJoinSoRefreshKeepsIt() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        onJoin = event -> new Invoked.Answered("{\"allow\":true,\"rights\":[\"history\",\"presence\"]}");

        assertThat(join("c1", "lobby")).isInstanceOf(ServerFrame.Ack.class);
        assertThat(join("c1", "ticket-7")).isInstanceOf(ServerFrame.Ack.class);

        Connection connection = store.find("c1").orElseThrow();
        assertThat(connection.rightsIn("lobby")).isEqualTo(Rights.of(RoomAction.SEND, RoomAction.HISTORY,
                RoomAction.PRESENCE));
        assertThat(connection.rightsIn("ticket-7")).as("the token grants nothing there; the hook does")
                .isEqualTo(Rights.of(RoomAction.HISTORY, RoomAction.PRESENCE));
        assertThat(events.getFirst()).contains("\"hook\":\"onJoin\"", "\"room\":\"lobby\"",
                "\"tokenRights\":[\"join\",\"send\"]", "\"user\":\"alice\"");
        ServerFrame refreshed = switchboard.refresh("c1", new ClientFrame.Refresh("r", "token"), "alice",
                new Grant(Capabilities.NONE, NOW.plusSeconds(7200)));
        assertThat(((ServerFrame.Ack) refreshed).revoked()).isEmpty();
        assertThat(store.find("c1").orElseThrow().rooms()).containsOnlyKeys("lobby", "ticket-7");
    }

    @Test
    void aMemberTheHookAdmittedJoinsAgainWithoutBeingAskedEvenWhereTheTokenGrantsNothing() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        onJoin = event -> new Invoked.Answered("{\"allow\":true,\"rights\":[\"send\",\"history\"]}");
        assertThat(join("c1", "ticket-7")).isInstanceOf(ServerFrame.Ack.class);
        onJoin = event -> new Invoked.Answered("{\"allow\":false,\"reason\":\"asked twice\"}");

        ServerFrame again = switchboard.join("c1", new ClientFrame.Join("j2", "ticket-7", 0L));

        assertThat(again).as("a repeated join of a member asks nothing, and history comes with its rights")
                .isInstanceOf(ServerFrame.History.class);
        assertThat(events).hasSize(1);
        assertThat(store.find("c1").orElseThrow().rightsIn("ticket-7"))
                .isEqualTo(Rights.of(RoomAction.SEND, RoomAction.HISTORY));
    }

    @Test
    void aDenialIsForbiddenWithTheHooksReasonBoundedAndSanitizedAndJoinsNothing() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        onJoin = event -> new Invoked.Answered("{\"allow\":false,\"reason\":\"not on ticket\\n7" + "x".repeat(400)
                + "\"}");

        ServerFrame.Error error = (ServerFrame.Error) join("c1", "lobby");

        assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(error.message()).startsWith("not allowed to join room 'lobby': not on ticket?7xxx")
                .hasSizeLessThan(300);
        assertThat(store.find("c1").orElseThrow().rooms()).isEmpty();
    }

    @Test
    void garbageIsADenialAndAFailureOrTimeoutIsATemporaryHookFailed() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        for (String garbage : List.of("nope", "{}", "{\"allow\":\"yes\"}", "{\"allow\":true,\"rights\":[\"join\"]}",
                "{\"allow\":true,\"rights\":[\"fly\"]}", "{\"allow\":true,\"rights\":\"send\"}")) {
            onJoin = event -> new Invoked.Answered(garbage);
            ServerFrame.Error error = (ServerFrame.Error) join("c1", "lobby");
            assertThat(error.code()).as(garbage).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(error.message()).contains(Hooks.GARBAGE);
        }
        for (Invoked failure : List.of(new Invoked.TimedOut(), new Invoked.Failed("threw"),
                new Invoked.Unreachable("429"))) {
            onJoin = event -> failure;
            ServerFrame.Error error = (ServerFrame.Error) join("c1", "lobby");
            assertThat(error.code()).isEqualTo(ErrorCode.HOOK_FAILED);
            assertThat(error.temporary()).isTrue();
        }
        assertThat(store.find("c1").orElseThrow().rooms()).isEmpty();
    }

    @Test
    void personalRoomsAndRoomsAlreadyJoinedAreNotTheHooksToDecide() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        onJoin = event -> new Invoked.Answered("{\"allow\":false}");

        assertThat(join("c1", "inbox~alice")).isInstanceOf(ServerFrame.Ack.class);
        assertThat(((ServerFrame.Error) join("c1", "inbox~bob")).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(events).isEmpty();
    }

    @Test
    void onSendMayReplaceTheDataMembersReceive() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        join("c1", "lobby");
        events.clear();
        onSend = event -> new Invoked.Answered("{\"allow\":true,\"data\":{\"text\":\"***\"}}");

        assertThat(send("c1", "s1", "{\"text\":\"darn\"}")).isInstanceOf(ServerFrame.Ack.class);

        assertThat(events).singleElement().asString().contains("\"hook\":\"onSend\"", "\"data\":{\"text\":\"darn\"}",
                "\"id\":\"s1\"");
        assertThat(inboxes.get("c1")).singleElement().isInstanceOfSatisfying(ServerFrame.Message.class,
                message -> assertThat(message.data()).isEqualTo("{\"text\":\"***\"}"));
    }

    @Test
    void aRefusedSendStoresNothingAndDoesNotHoldItsIdSoALaterRetryGoesThrough() {
        switchboard.connect("c1", "alice", "", LOBBY_SEND);
        join("c1", "lobby");
        onSend = event -> new Invoked.Answered("{\"allow\":false,\"reason\":\"muted\"}");
        ServerFrame.Error denied = (ServerFrame.Error) send("c1", "s1", "\"hi\"");
        onSend = event -> new Invoked.TimedOut();
        ServerFrame.Error failed = (ServerFrame.Error) send("c1", "s1", "\"hi\"");
        onSend = event -> new Invoked.Answered("{\"allow\":true}");
        ServerFrame.Ack ack = (ServerFrame.Ack) send("c1", "s1", "\"hi\"");

        assertThat(denied.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(denied.message()).isEqualTo("not allowed to send in room 'lobby': muted");
        assertThat(failed.code()).isEqualTo(ErrorCode.HOOK_FAILED);
        assertThat(ack.seq()).isEqualTo(1L);
        assertThat(inboxes.get("c1")).hasSize(1);
    }

    @Test
    void aSendTheTokenForbidsIsRefusedBeforeTheHookIsAsked() {
        switchboard.connect("c1", "alice", "", new Grant(Capabilities.fromCompact("lobby=j|"), NOW.plusSeconds(60)));
        onJoin = event -> new Invoked.Answered("{\"allow\":true}");
        join("c1", "lobby");
        events.clear();

        assertThat(((ServerFrame.Error) send("c1", "s1", "\"hi\"")).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(events).isEmpty();
    }

    @Test
    void onConnectDecidesAfterTheAuthorizerAndItsAttributesStayWithTheConnection() {
        List<String> asked = new CopyOnWriteArrayList<>();
        List<String> answers = new CopyOnWriteArrayList<>(List.of(
                "{\"allow\":true,\"attributes\":{\"plan\":\"gold\"}}",
                "{\"allow\":false,\"reason\":\"banned\"}",
                "{\"allow\":true,\"attributes\":[1]}",
                "{\"allow\":true,\"attributes\":{\"x\":\"" + "y".repeat(ExtensionLimits.MAX_ATTRIBUTES_BYTES) + "\"}}"));
        Switchboard gated = TestSwitchboard.builder()
                .store(store)
                .clock(CLOCK)
                .hooks(Hooks.invoking(event -> {
                    asked.add(event);
                    return answers.isEmpty() ? new Invoked.TimedOut() : new Invoked.Answered(answers.removeFirst());
                }, null, null, CLOCK))
                .build().switchboard();

        assertThat(gated.connect("c1", "alice", "203.0.113.9", LOBBY_SEND))
                .isInstanceOf(Switchboard.Connected.Accepted.class);
        assertThat(store.find("c1").orElseThrow().attributes()).isEqualTo("{\"plan\":\"gold\"}");
        assertThat(asked.getFirst()).contains("\"hook\":\"onConnect\"", "\"user\":\"alice\"",
                "\"sourceIp\":\"203.0.113.9\"", "\"lobby\":[\"join\",\"send\"]");
        assertThat(gated.connect("c2", "alice", "", LOBBY_SEND)).isEqualTo(new Switchboard.Connected.Denied("banned"));
        assertThat(gated.connect("c3", "alice", "", LOBBY_SEND))
                .isEqualTo(new Switchboard.Connected.Denied(Hooks.GARBAGE));
        assertThat(gated.connect("c4", "alice", "", LOBBY_SEND))
                .as("attributes over the limit").isEqualTo(new Switchboard.Connected.Denied(Hooks.GARBAGE));
        assertThat(gated.connect("c5", "alice", "", LOBBY_SEND)).isInstanceOf(Switchboard.Connected.HookFailed.class);
        assertThat(store.find("c2")).isEmpty();
        assertThat(store.find("c5")).isEmpty();
    }
}
