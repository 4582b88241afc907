package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.Connection;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    @Test
    void primingTouchesTheStoreButChangesNothingAndPostsNothing() {
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        InMemoryRoomHistory history = new InMemoryRoomHistory();
        List<String> posts = new CopyOnWriteArrayList<>();
        Switchboard switchboard = Switchboard.builder().store(store).history(history)
                .idempotency(new InMemoryIdempotencyStore())
                .broadcaster(new Broadcaster((id, payload) -> {
                    posts.add(id);
                    return SendOutcome.DELIVERED;
                }, store, 4, RetryPolicy.defaults()))
                .build();
        Instant now = Instant.now();
        store.register(new Connection("real", "alice", now, "", now.plus(Duration.ofHours(3))));
        switchboard.join("real", "alice", new ClientFrame.Join(null, "priming"));

        posts.clear();

        new SnapStartPriming(switchboard).prime();

        assertThat(posts).isEmpty();
        assertThat(store.members("priming")).containsExactly("real");
        assertThat(history.latestSeq("priming")).isZero();
        assertThat(store.find(SnapStartPriming.NOBODY)).isEmpty();
    }
}
