package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.JoinResult;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ConnectionStore} must have; run against each implementation. */
abstract class ConnectionStoreContract {

    /** Near the real time: DynamoDB Local deletes rows whose TTL attribute is in the past, as DynamoDB does. */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    ConnectionStore store;

    abstract ConnectionStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    static Connection connection(String id, String userId) {
        return new Connection(id, userId, NOW, "203.0.113.9", NOW.plus(Duration.ofHours(3)));
    }

    @Test
    void registeredConnectionIsFoundWithItsFields() {
        store.register(connection("c1", "alice"));

        assertThat(store.find("c1")).hasValueSatisfying(c -> {
            assertThat(c.userId()).isEqualTo("alice");
            assertThat(c.sourceIp()).isEqualTo("203.0.113.9");
            assertThat(c.connectedAt()).isEqualTo(NOW);
            assertThat(c.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS));
        });
        assertThat(store.find("unknown")).isEmpty();
    }

    @Test
    void joinLeaveAndMembership() {
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "bob"));

        assertThat(store.join("c1", "lobby", 10)).isEqualTo(JoinResult.JOINED);
        assertThat(store.join("c2", "lobby", 10)).isEqualTo(JoinResult.JOINED);
        assertThat(store.join("c1", "games", 10)).isEqualTo(JoinResult.JOINED);

        assertThat(store.members("lobby")).containsExactlyInAnyOrder("c1", "c2");
        assertThat(store.roomsOf("c1")).containsExactlyInAnyOrder("lobby", "games");
        assertThat(store.isMember("c2", "lobby")).isTrue();
        assertThat(store.isMember("c2", "games")).isFalse();

        assertThat(store.leave("c2", "lobby")).isTrue();
        assertThat(store.leave("c2", "lobby")).isFalse();
        assertThat(store.members("lobby")).containsExactly("c1");
        assertThat(store.members("nobody-here")).isEmpty();
    }

    @Test
    void joiningTwiceReportsAlreadyMember() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", 10);

        assertThat(store.join("c1", "lobby", 10)).isEqualTo(JoinResult.ALREADY_MEMBER);
        assertThat(store.members("lobby")).containsExactly("c1");
    }

    @Test
    void unknownConnectionCannotJoin() {
        assertThat(store.join("ghost", "lobby", 10)).isEqualTo(JoinResult.UNKNOWN_CONNECTION);
        assertThat(store.members("lobby")).isEmpty();
    }

    @Test
    void roomCapIsEnforced() {
        store.register(connection("c1", "alice"));
        for (int i = 0; i < 3; i++) {
            assertThat(store.join("c1", "room-" + i, 3)).isEqualTo(JoinResult.JOINED);
        }
        assertThat(store.join("c1", "one-too-many", 3)).isEqualTo(JoinResult.TOO_MANY_ROOMS);
        assertThat(store.roomsOf("c1")).hasSize(3);
    }

    @Test
    void removeClearsEveryMembershipAndIsIdempotent() {
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "alice"));
        for (int i = 0; i < 30; i++) {
            store.join("c1", "room-" + i, 50);
        }
        store.join("c2", "room-0", 50);

        assertThat(store.remove("c1")).hasSize(30);

        assertThat(store.find("c1")).isEmpty();
        assertThat(store.roomsOf("c1")).isEmpty();
        assertThat(store.members("room-0")).containsExactly("c2");
        assertThat(store.members("room-29")).isEmpty();
        assertThat(store.connectionsOf("alice")).containsExactly("c2");
        assertThat(store.remove("c1")).isEmpty();
        assertThat(store.remove("never-existed")).isEmpty();
    }

    @Test
    void memberUsersMapsConnectionsToTheirUsers() {
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "alice"));
        store.register(connection("c3", "bob"));
        for (String id : List.of("c1", "c2", "c3")) {
            store.join(id, "r", 10);
        }
        assertThat(store.memberUsers("r")).containsOnly(java.util.Map.entry("c1", "alice"),
                java.util.Map.entry("c2", "alice"), java.util.Map.entry("c3", "bob"));
        assertThat(store.memberUsers("empty")).isEmpty();
        assertThat(store.memberUsers("r", 2)).hasSize(2);
        assertThat(store.memberUsers("r", 5)).hasSize(3);
    }

    @Test
    void connectionsOfAUser() {
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "alice"));
        store.register(connection("c3", "bob"));

        assertThat(store.connectionsOf("alice")).containsExactlyInAnyOrder("c1", "c2");
        assertThat(store.connectionsOf("carol")).isEmpty();
    }

    @Test
    void theShardsOfARoomPartitionItsMembersByConnectionId() {
        List<String> ids = IntStream.range(0, 60).mapToObj(i -> "s" + i).toList();
        for (String id : ids) {
            store.register(connection(id, "u-" + id));
            store.join(id, "hall", 50);
        }
        store.leave("s7", "hall");
        store.remove("s8");

        List<String> union = new ArrayList<>();
        for (int shard = 0; shard < store.shards(); shard++) {
            int index = shard;
            List<String> inShard = store.members("hall", shard);
            assertThat(inShard).allMatch(id -> ConnectionStore.shardOf(id, store.shards()) == index);
            union.addAll(inShard);
        }
        assertThat(union).doesNotHaveDuplicates().hasSize(58).doesNotContain("s7", "s8")
                .containsExactlyInAnyOrderElementsOf(store.members("hall"));
        assertThat(store.memberUsers("hall", 10)).hasSize(10);
        assertThat(store.memberUsers("hall")).hasSize(58).containsEntry("s9", "u-s9");
    }

    @Test
    void largeRoomIsListedCompletely() {
        List<String> ids = IntStream.range(0, 1_500).mapToObj(i -> "conn-" + i + "-" + "x".repeat(40)).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (String id : ids) {
                pool.execute(() -> {
                    store.register(connection(id, "user-" + id));
                    store.join(id, "big", 50);
                });
            }
        }

        assertThat(store.members("big")).hasSize(1_500).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void concurrentJoinsAndLeavesLeaveAConsistentState() {
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> "c" + i).toList();
        ids.forEach(id -> store.register(connection(id, "u")));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : ids) {
                pool.execute(() -> {
                    store.join(id, "a", 50);
                    store.join(id, "b", 50);
                    if (id.hashCode() % 2 == 0) {
                        store.leave(id, "a");
                    }
                });
            }
        }

        List<String> expectedInA = new ArrayList<>(ids.stream().filter(id -> id.hashCode() % 2 != 0).toList());
        assertThat(store.members("a")).containsExactlyInAnyOrderElementsOf(expectedInA);
        assertThat(store.members("b")).containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            assertThat(store.isMember(id, "a")).isEqualTo(expectedInA.contains(id));
        }
    }
}
