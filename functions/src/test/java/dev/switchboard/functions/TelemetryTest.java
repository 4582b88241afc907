package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What operators see: structured JSON log lines with the connection, route and request ids, and EMF metrics
 * (surefire sets {@code AWS_EMF_ENVIRONMENT=Local}, so EMF goes to standard output).
 */
class TelemetryTest {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open())
            .store(store).clock(Clock.systemUTC()).maxInFlight(4)
            .sender((id, payload) -> id.equals("Conn-Gone=") ? SendOutcome.GONE
                    : id.equals("Conn-Refuses=") ? SendOutcome.PERMANENT_FAILURE : SendOutcome.DELIVERED)
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .build().switchboard();

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void sendLogsStructuredLinesAndEmitsBroadcastMetrics() {
        for (String id : List.of("Conn-Alice-1=", "Conn-Bob=", "Conn-Gone=")) {
            switchboard.connect(id, "u", "");
            switchboard.join(id, new ClientFrame.Join(null, "lobby"));
        }

        new SendHandler(switchboard).handleRequest(Events.load("send"), new FakeLambdaContext("req-1", "send-fn"));
        new DefaultHandler(switchboard).handleRequest(Events.load("default"), new FakeLambdaContext("req-2", "dflt"));

        String emf = lines().stream().filter(l -> l.contains("\"_aws\"") && l.contains("Deliveries")).findFirst()
                .orElseThrow(() -> new AssertionError("no EMF line in " + lines()));
        assertThat(emf).contains("\"Namespace\":\"Switchboard\"").contains("\"Deliveries\":2.0")
                .contains("\"DeliveriesGone\":1.0").contains("\"FanOutSize\":3.0").contains("\"MessagesIn\":1.0")
                .contains("\"BroadcastDuration\"").contains("\"Route\":\"send\"");
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("\"ErrorReplies\":1.0")
                .contains("\"Route\":\"$default\""));
        assertThat(lines()).anySatisfy(l -> assertThat(l).startsWith("{").contains("\"level\":\"INFO\"")
                .contains("\"connectionId\":\"Conn-Alice-1=\"").contains("\"routeKey\":\"$default\"")
                .contains("UNKNOWN_ACTION").contains("\"function_name\":\"dflt\""));
    }

    @Test
    void connectAndDisconnectCountConnections() {
        new ConnectHandler(switchboard).handleRequest(Events.load("connect"), new FakeLambdaContext("r1", "connect"));
        new DisconnectHandler(switchboard).handleRequest(Events.load("disconnect"), new FakeLambdaContext("r2", "dc"));

        // Under the service alone, as the stack's dashboard and alarms (refused handshakes, untold rooms) read them.
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("\"ConnectionsOpened\":1.0")
                .contains("\"Dimensions\":[[\"Service\"]]"));
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("\"ConnectionsClosed\":1.0")
                .contains("\"Dimensions\":[[\"Service\"]]"));
        assertThat(lines()).noneMatch(l -> l.contains("redacted-in-fixture"));
    }

    @Test
    void aQueueBatchFlushesTheMetricsOfItsDeliveries() {
        for (String id : List.of("Conn-Alice-1=", "Conn-Bob=")) {
            switchboard.connect(id, "u", "");
            switchboard.join(id, new ClientFrame.Join(null, "lobby"));
        }
        com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage record =
                new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        record.setMessageId("m-1");
        record.setBody("{\"room\":\"lobby\",\"data\":\"queued\"}");
        com.amazonaws.services.lambda.runtime.events.SQSEvent event =
                new com.amazonaws.services.lambda.runtime.events.SQSEvent();
        event.setRecords(List.of(record));

        new PublishHandler(switchboard).handleRequest(event, new FakeLambdaContext("req-3", "publisher"));

        assertThat(lines()).as("the batch's own EMF line, flushed before the handler returns")
                .anySatisfy(l -> assertThat(l).contains("\"_aws\"").contains("\"Deliveries\":2.0"));
    }

    @Test
    void recipientsNeverReachedAreCountedUnderTheServiceAloneForTheStacksOneAlarm() {
        for (String id : List.of("Conn-Alice-1=", "Conn-Refuses=")) {
            switchboard.connect(id, "u", "");
            switchboard.join(id, new ClientFrame.Join(null, "lobby"));
        }

        new SendHandler(switchboard).handleRequest(Events.load("send"), new FakeLambdaContext("req-4", "send-fn"));

        String failures = lines().stream().filter(l -> l.contains("\"_aws\"") && l.contains("DeliveryFailures"))
                .findFirst().orElseThrow(() -> new AssertionError("no DeliveryFailures in " + lines()));
        assertThat(failures).contains("\"DeliveryFailures\":1.0").contains("\"Dimensions\":[[\"Service\"]]")
                .doesNotContain("\"Route\"");
    }
}
