package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.RecordingSender;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** resume, presence, direct and the SQS publisher, driven by event fixtures over the in-memory stores. */
class RealtimeHandlersTest {

    private static final String ALICE = "Conn-Alice-1=";

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final RecordingSender sender = RecordingSender.delivering();
    private final Map<String, List<ServerFrame>> inboxes = sender.inboxes();
    private final Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open())
            .store(store).sender(sender).clock(Clock.systemUTC())
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .build().switchboard();

    private ServerFrame reply(com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse response) {
        return FrameCodec.decodeServer(response.getBody()).orElseThrow();
    }

    private List<ServerFrame> inbox(String id) {
        return inboxes.getOrDefault(id, List.of());
    }

    private void member(String connectionId, String user) {
        switchboard.connect(connectionId, user, "");
        switchboard.join(connectionId, new ClientFrame.Join(null, "lobby"));
    }

    @Test
    void resumeReturnsTheMessagesAfterThePosition() {
        member(ALICE, "alice");
        for (String text : List.of("one", "two", "three")) {
            switchboard.send(ALICE, "alice", new ClientFrame.Send(null, "lobby", "\"" + text + "\""));
        }

        ServerFrame reply = reply(new ResumeHandler(switchboard).handleRequest(Events.load("resume"), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.History.class, h -> {
            assertThat(h.id()).isEqualTo("c-6");
            assertThat(h.messages()).extracting(ServerFrame.Message::data).containsExactly("\"two\"", "\"three\"");
            assertThat(h.messages()).extracting(ServerFrame.Message::seq).containsExactly(2L, 3L);
            assertThat(h.more()).isFalse();
        });
    }

    @Test
    void presenceListsTheRoomsUsers() {
        member(ALICE, "alice");
        member("Conn-Bob=", "bob");

        ServerFrame reply = reply(new PresenceHandler(switchboard).handleRequest(Events.load("presence"), null));

        assertThat(reply).isEqualTo(new ServerFrame.Presence("c-7", "lobby",
                List.of(new ServerFrame.Member("alice", 1), new ServerFrame.Member("bob", 1))));
    }

    @Test
    void directGoesToEveryConnectionOfTheUserFromTheAuthorizersIdentity() {
        switchboard.connect(ALICE, "alice", "");
        switchboard.connect("Conn-Bob-1=", "bob", "");
        switchboard.connect("Conn-Bob-2=", "bob", "");

        ServerFrame reply = reply(new DirectHandler(switchboard).handleRequest(Events.load("direct"), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.id()).isEqualTo("c-8"));
        for (String bob : List.of("Conn-Bob-1=", "Conn-Bob-2=")) {
            assertThat(inbox(bob)).singleElement().isInstanceOfSatisfying(ServerFrame.Direct.class, d -> {
                assertThat(d.from()).isEqualTo("alice");
                assertThat(d.data()).isEqualTo("{\"text\":\"psst\"}");
            });
        }
        assertThat(inbox(ALICE)).isEmpty();
    }

    @Test
    void resumeForARoomNotJoinedIsRefused() {
        switchboard.connect(ALICE, "alice", "");
        assertThat(reply(new ResumeHandler(switchboard).handleRequest(Events.load("resume"), null)))
                .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
    }


    @Test
    void publisherDeliversGoodRecordsAndReturnsThePoisonOneForTheDeadLetterQueue() {
        member(ALICE, "alice");
        switchboard.connect("Conn-Bob=", "bob", "");

        SQSBatchResponse response = new PublishHandler(switchboard).handleRequest(Events.sqs("sqs-publish"), null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("9f2c1a4e-0002-4b7e-9a1d-000000000002");
        assertThat(inbox(ALICE)).singleElement().isInstanceOfSatisfying(ServerFrame.Message.class, m -> {
            assertThat(m.from()).as("a sender no user can be").isEqualTo("server:newsroom");
            assertThat(m.seq()).isEqualTo(1);
            assertThat(m.data()).isEqualTo("{\"headline\":\"Switchboard ships\"}");
        });
        assertThat(inbox("Conn-Bob=")).singleElement().isInstanceOfSatisfying(ServerFrame.Direct.class,
                d -> assertThat(d.from()).isEqualTo("server:system"));
    }

    @Test
    void aRedeliveredRecordPublishesNothingTwice() {
        member(ALICE, "alice");
        PublishHandler handler = new PublishHandler(switchboard);

        handler.handleRequest(Events.sqs("sqs-publish"), null);
        handler.handleRequest(Events.sqs("sqs-publish"), null);

        assertThat(inbox(ALICE)).filteredOn(ServerFrame.Message.class::isInstance).hasSize(1);
        assertThat(inbox("Conn-Bob=")).as("nor the direct message without an id of its own")
                .filteredOn(ServerFrame.Direct.class::isInstance).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aRedeliveredRecordWithoutAnIdIsKeptOnceByItsSqsMessageId() {
        member(ALICE, "alice");
        switchboard.connect("Conn-Bob=", "bob", "");
        PublishHandler handler = new PublishHandler(switchboard);
        SQSEvent event = publishEvent("sqs-1", "{\"room\":\"lobby\",\"data\":\"once\"}");
        SQSEvent direct = publishEvent("sqs-2", "{\"user\":\"bob\",\"data\":\"once\"}");

        for (int delivery = 0; delivery < 3; delivery++) {
            assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
            assertThat(handler.handleRequest(direct, null).getBatchItemFailures()).isEmpty();
        }

        assertThat(inbox(ALICE)).filteredOn(ServerFrame.Message.class::isInstance).singleElement()
                .satisfies(m -> assertThat(((ServerFrame.Message) m).seq()).isEqualTo(1));
        assertThat(inbox("Conn-Bob=")).filteredOn(ServerFrame.Direct.class::isInstance).hasSize(1);
        assertThat(handler.handleRequest(publishEvent("sqs-3", "{\"room\":\"lobby\",\"data\":\"once\"}"), null)
                .getBatchItemFailures()).as("another message with the same body is another message").isEmpty();
        assertThat(inbox(ALICE)).filteredOn(ServerFrame.Message.class::isInstance).hasSize(2);
    }

    @Test
    void aServerPublishCannotPassForAUser() {
        member(ALICE, "alice");

        new PublishHandler(switchboard).handleRequest(publishEvent("sqs-1",
                "{\"room\":\"lobby\",\"from\":\"alice\",\"data\":\"I am alice\"}"), null);

        assertThat(inbox(ALICE)).filteredOn(ServerFrame.Message.class::isInstance).singleElement()
                .satisfies(m -> assertThat(((ServerFrame.Message) m).from()).isEqualTo("server:alice"));
    }

    private static SQSEvent publishEvent(String messageId, String body) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(messageId);
        record.setBody(body);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    @Test
    void invalidPublishRequestsAreFailures() {
        SQSEvent event = new SQSEvent();
        List<String> bodies = List.of("{\"room\":\"a b\",\"data\":1}", "{\"data\":1}", "{\"room\":\"r\",\"user\":\"u\",\"data\":1}",
                "{\"room\":\"r\"}", "[]", "");
        List<SQSEvent.SQSMessage> records = new java.util.ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("m" + i);
            record.setBody(bodies.get(i));
            records.add(record);
        }
        event.setRecords(records);

        SQSBatchResponse response = new PublishHandler(switchboard).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).hasSize(bodies.size());
        assertThat(inboxes).isEmpty();
    }
}
