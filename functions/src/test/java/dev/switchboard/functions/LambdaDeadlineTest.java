package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The broadcaster stops starting posts when the Lambda invocation is about to run out of time, and hands the members
 * not reached to the fan-out queue: the deadline comes from the context of the invocation being served.
 */
class LambdaDeadlineTest {

    private static final List<String> MEMBERS = List.of("Conn-Alice-1=", "Conn-Bob=", "Conn-Carol=");

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final Set<String> posted = ConcurrentHashMap.newKeySet();
    private final List<FanoutQueue.Job> queued = new CopyOnWriteArrayList<>();
    private final Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open())
            .store(store).clock(Clock.systemUTC())
            .broadcaster(connections -> new Broadcaster((id, payload) -> {
                posted.add(id);
                return SendOutcome.DELIVERED;
            }, connections, 4, new RetryPolicy(2, Duration.ZERO, Duration.ZERO), RandomGenerator.getDefault(), null,
                    null, LambdaDeadline.INSTANCE))
            .fanout(jobs -> {
                queued.addAll(jobs);
                return List.of();
            }, Integer.MAX_VALUE)
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .build().switchboard();

    private ServerFrame.Ack send(int remainingMillis) {
        for (String id : MEMBERS) {
            switchboard.connect(id, "u-" + id, "");
            switchboard.join(id, new ClientFrame.Join(null, "lobby"));
        }
        APIGatewayV2WebSocketResponse response = new SendHandler(switchboard).handleRequest(Events.load("send"),
                new FakeLambdaContext("req", "send-fn", remainingMillis));
        return (ServerFrame.Ack) FrameCodec.decodeServer(response.getBody()).orElseThrow();
    }

    @Test
    void withTimeLeftEveryMemberIsReachedNow() {
        ServerFrame.Ack ack = send(29_000);

        assertThat(ack.deferred()).isNull();
        assertThat(posted).containsExactlyInAnyOrderElementsOf(MEMBERS);
        assertThat(queued).isEmpty();
    }

    @Test
    void withLessTimeLeftThanTheSafetyMarginEveryMemberGoesToTheQueueAndTheAckSaysSo() {
        ServerFrame.Ack ack = send((int) LambdaDeadline.SAFETY_MARGIN.toMillis() - 1_000);

        assertThat(ack.deferred()).isEqualTo(MEMBERS.size());
        assertThat(posted).isEmpty();
        assertThat(queued).singleElement().isInstanceOfSatisfying(FanoutQueue.Job.Connections.class,
                job -> assertThat(job.connectionIds()).containsExactlyInAnyOrderElementsOf(MEMBERS));
    }

    @Test
    void outsideAnInvocationThereIsNoDeadline() {
        assertThat(LambdaDeadline.INSTANCE.current()).isEmpty();
        LambdaDeadline.during(new FakeLambdaContext("r", "f", 10_000),
                () -> assertThat(LambdaDeadline.INSTANCE.current()).isPresent());
        assertThat(LambdaDeadline.INSTANCE.current()).isEmpty();
    }
}
