package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Frame quotas: a flooding client is refused, then disconnected, and the others in its room do not notice. */
class QuotasTest {

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-03T10:00:00.100Z"));
    private final AtomicInteger admits = new AtomicInteger();
    private final InMemoryConnectionStore memory = new InMemoryConnectionStore();
    /** The in-memory store, counting the admissions it is asked for. */
    private final ConnectionStore store = (ConnectionStore) java.lang.reflect.Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
                if (method.getName().startsWith("admit")) {
                    admits.incrementAndGet();
                }
                try {
                    return method.invoke(memory, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final Quotas quotas = Quotas.defaults().withFrames(5, 10);
    private final TestSwitchboard kit = TestSwitchboard.builder().store(store).clock(clock)
            .closer(closed::add)
            .policy(RoomPolicy.open())
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0).withQuotas(quotas))
            .build();
    private final Map<String, List<ServerFrame>> inboxes = kit.sender().inboxes();
    private final Switchboard switchboard = kit.switchboard();

    private ServerFrame send(String connectionId, String user, int i) {
        return switchboard.send(connectionId, user, new ClientFrame.Send("s" + i, "r", Integer.toString(i))).reply();
    }

    @Test
    void theWindowIsBurstOverRate() {
        assertThat(quotas.frameWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(quotas.frameWindowOf(Instant.ofEpochMilli(3_999))).isEqualTo(1);
        assertThat(quotas.untilNextWindow(Instant.ofEpochMilli(3_500))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void framesOverTheBurstAreRefusedWithWhenToRetryAndTheNextWindowAdmitsAgain() {
        switchboard.connect("m", "mallory", "");
        // The connect itself is no frame; the join is the first of the window.
        switchboard.join("m", new ClientFrame.Join(null, "r"));
        for (int i = 1; i < 10; i++) {
            assertThat(send("m", "mallory", i)).isInstanceOf(ServerFrame.Ack.class);
        }

        ServerFrame refused = send("m", "mallory", 10);

        assertThat(refused).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.temporary()).isTrue();
            assertThat(e.retryAfterMs()).isEqualTo(1_900L);
        });
        assertThat(switchboard.ping("m", new ClientFrame.Ping("p"))).as("every route counts")
                .isInstanceOf(ServerFrame.Error.class);
        clock.advance(Duration.ofMillis(1_900));
        assertThat(send("m", "mallory", 11)).isInstanceOf(ServerFrame.Ack.class);
        assertThat(closed).isEmpty();
    }

    @Test
    void aFloodIsRefusedFromMemoryThenDisconnectedWhileTheRoomCarriesOn() {
        switchboard.connect("m", "mallory", "");
        switchboard.connect("a", "alice", "");
        switchboard.join("m", new ClientFrame.Join(null, "r"));
        switchboard.join("a", new ClientFrame.Join(null, "r"));
        for (int i = 1; i < 10; i++) {
            send("m", "mallory", i);
        }
        int admitsBeforeTheFlood = admits.get();

        for (int i = 0; i < quotas.frameBurst() - 1; i++) {
            assertThat(send("m", "mallory", 100 + i)).isInstanceOfSatisfying(ServerFrame.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        }
        assertThat(admits.get() - admitsBeforeTheFlood).as("only the first refusal asked the store").isEqualTo(1);
        assertThat(closed).isEmpty();
        ServerFrame last = send("m", "mallory", 999);

        assertThat(last).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.message()).contains("closing");
        });
        assertThat(closed).containsExactly("m");
        assertThat(inboxes.get("m")).last().isEqualTo(last);
        assertThat(send("a", "alice", 1)).as("alice in the same room is not limited")
                .isInstanceOf(ServerFrame.Ack.class);
        assertThat(inboxes.get("a")).filteredOn(ServerFrame.Message.class::isInstance).hasSize(10);
    }
}
