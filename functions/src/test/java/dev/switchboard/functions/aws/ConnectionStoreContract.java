package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.core.Admission;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.Grant;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.RoomMember;
import dev.switchboard.core.RoomView;
import dev.switchboard.core.SendAdmission;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The idempotency store that goes with {@link #newStore()} (the same table for DynamoDB). */
    abstract IdempotencyStore idempotency();

    /** The history that goes with {@link #newStore()} (the same table for DynamoDB). */
    abstract RoomHistory history();

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

        assertThat(store.join("c1", "lobby", Rights.ALL, 10)).isEqualTo(JoinResult.JOINED);
        assertThat(store.join("c2", "lobby", Rights.ALL, 10)).isEqualTo(JoinResult.JOINED);
        assertThat(store.join("c1", "games", Rights.ALL, 10)).isEqualTo(JoinResult.JOINED);

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
        store.join("c1", "lobby", Rights.ALL, 10);

        assertThat(store.join("c1", "lobby", Rights.ALL, 10)).isEqualTo(JoinResult.ALREADY_MEMBER);
        assertThat(store.members("lobby")).containsExactly("c1");
    }

    @Test
    void unknownConnectionCannotJoin() {
        assertThat(store.join("ghost", "lobby", Rights.ALL, 10)).isEqualTo(JoinResult.UNKNOWN_CONNECTION);
        assertThat(store.members("lobby")).isEmpty();
    }

    @Test
    void roomCapIsEnforced() {
        store.register(connection("c1", "alice"));
        for (int i = 0; i < 3; i++) {
            assertThat(store.join("c1", "room-" + i, Rights.ALL, 3)).isEqualTo(JoinResult.JOINED);
        }
        assertThat(store.join("c1", "one-too-many", Rights.ALL, 3)).isEqualTo(JoinResult.TOO_MANY_ROOMS);
        assertThat(store.roomsOf("c1")).hasSize(3);
    }

    @Test
    void removeClearsEveryMembershipAndIsIdempotent() {
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "alice"));
        for (int i = 0; i < 30; i++) {
            store.join("c1", "room-" + i, Rights.ALL, 50);
        }
        store.join("c2", "room-0", Rights.ALL, 50);

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
    void forgettingAConnectionRemovesItAndReturnsItsUserAndRooms() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", Rights.ALL, 10);
        store.join("c1", "games", Rights.of(RoomAction.JOIN), 10);

        assertThat(store.forget("c1")).hasValueSatisfying(gone -> {
            assertThat(gone.userId()).isEqualTo("alice");
            assertThat(gone.rooms()).isEqualTo(Map.of("lobby", Rights.ALL, "games", Rights.of(RoomAction.JOIN)));
        });
        assertThat(store.find("c1")).isEmpty();
        assertThat(store.members("lobby")).isEmpty();
        assertThat(store.connectionsOf("alice")).isEmpty();
        assertThat(store.forget("c1")).isEmpty();
        assertThat(store.forget("never-existed")).isEmpty();
    }

    @Test
    void aViewListsEveryMemberOfASmallRoomAndItsCounterAsTheyAreAfterTheCallersWrite() {
        RoomHistory history = history();
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "bob"));
        store.join("c1", "lobby", Rights.ALL, 10);
        history.nextSeq("lobby", NOW);
        history.nextSeq("lobby", NOW);
        store.join("c2", "lobby", Rights.of(RoomAction.JOIN), 10);

        RoomView view = store.view("lobby", 2, history, NOW);

        assertThat(view.members()).extracting(RoomMember::connectionId, RoomMember::userId, RoomMember::rights)
                .containsExactlyInAnyOrder(tuple("c1", "alice", Rights.ALL),
                        tuple("c2", "bob", Rights.of(RoomAction.JOIN)));
        assertThat(view.counter()).isEqualTo(history.counter("lobby"));
        assertThat(view.counter().latest()).isEqualTo(2);
        assertThat(store.view("lobby", -1, history, NOW)).as("no members wanted")
                .isEqualTo(new RoomView(null, history.counter("lobby")));
        assertThat(store.view("lobby", 2, null, NOW).counter()).as("no counter wanted").isNull();
        assertThat(store.view("nobody-here", 5, history, NOW))
                .isEqualTo(new RoomView(List.of(), RoomHistory.Counter.EMPTY));
    }

    @Test
    void aRoomWithMoreMembersThanAskedForIsNotListedUntilItHasShrunkAndItsCheckIsOld() {
        for (int i = 0; i < 4; i++) {
            store.register(connection("c" + i, "user-" + i));
            store.join("c" + i, "crowd", Rights.ALL, 10);
        }

        assertThat(store.view("crowd", 2, null, NOW).members()).isNull();
        assertThat(store.view("crowd", 3, null, NOW).members()).as("a check against a smaller limit says nothing")
                .isNull();
        assertThat(store.view("crowd", 4, null, NOW).members()).hasSize(4);
        store.leave("c3", "crowd");
        store.leave("c2", "crowd");

        assertThat(store.view("crowd", 2, null, NOW.plus(ConnectionStore.ROOM_SIZE_CHECK_MAX_AGE).plusSeconds(1))
                .members()).extracting(RoomMember::connectionId).containsExactlyInAnyOrder("c0", "c1");
    }

    @Test
    void memberUsersMapsConnectionsToTheirUsers() {
        store.register(connection("c1", "alice"));
        store.register(connection("c2", "alice"));
        store.register(connection("c3", "bob"));
        for (String id : List.of("c1", "c2", "c3")) {
            store.join(id, "r", Rights.ALL, 10);
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
            store.join(id, "hall", Rights.ALL, 50);
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
                    store.join(id, "big", Rights.ALL, 50);
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
                    store.join(id, "a", Rights.ALL, 50);
                    store.join(id, "b", Rights.ALL, 50);
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

    static Connection connection(String id, String userId, Grant grant) {
        return new Connection(id, userId, NOW, "203.0.113.9", NOW.plus(Duration.ofHours(3)), grant);
    }

    @Test
    void theGrantAndEachRoomsRightsAreKeptWithTheConnection() {
        Grant grant = new Grant(Capabilities.fromCompact("team-42:*=jhps;lobby=js|bob,odd%2Cuser"),
                NOW.plus(Duration.ofMinutes(15)));
        store.register(connection("c1", "alice", grant));
        store.join("c1", "lobby", Rights.of(RoomAction.JOIN, RoomAction.SEND), 10);
        store.join("c1", "team-42:a", Rights.ALL, 10);

        Connection found = store.find("c1").orElseThrow();

        assertThat(found.grant()).isEqualTo(grant);
        assertThat(found.rooms()).containsOnly(Map.entry("lobby", Rights.of(RoomAction.JOIN, RoomAction.SEND)),
                Map.entry("team-42:a", Rights.ALL));
        assertThat(store.roomMembers("lobby", 10)).containsExactly(new RoomMember("c1", "alice",
                Rights.of(RoomAction.JOIN, RoomAction.SEND), NOW.plus(Duration.ofMinutes(15))));
        assertThat(store.userConnections("alice")).containsExactly(new RoomMember("c1", "alice", Rights.NONE,
                NOW.plus(Duration.ofMinutes(15))));
        assertThat(store.find("c2")).isEmpty();
    }

    @Test
    void aConnectionWithoutTokenExpiryReadsBackWithout() {
        store.register(connection("c1", "anonymous:c1"));

        assertThat(store.find("c1").orElseThrow().grant()).isEqualTo(Grant.NONE);
    }

    @Test
    void aJoinDecidedFromAnOlderReadIsRefusedAsChanged() {
        store.register(connection("c1", "alice"));
        Connection seen = store.find("c1").orElseThrow();
        store.join("c1", "a", Rights.ALL, 10);

        assertThat(store.join(seen, "b", Rights.ALL, 10)).isEqualTo(JoinResult.CHANGED);
        assertThat(store.join(seen, "a", Rights.ALL, 10)).as("already in it, whatever the revision")
                .isEqualTo(JoinResult.ALREADY_MEMBER);
        assertThat(store.members("b")).isEmpty();
    }

    @Test
    void theRoomLimitHoldsWhenManyJoinsOfOneConnectionRace() {
        store.register(connection("c1", "alice"));
        List<JoinResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            for (int i = 0; i < 60; i++) {
                String room = "race-" + i;
                pool.execute(() -> {
                    JoinResult result = JoinResult.CHANGED;
                    // A client would be told to retry a CHANGED join; retry here until decided.
                    for (int attempt = 0; attempt < 200 && result == JoinResult.CHANGED; attempt++) {
                        result = store.join("c1", room, Rights.ALL, 50);
                    }
                    results.add(result);
                });
            }
        }

        assertThat(results).filteredOn(r -> r == JoinResult.JOINED).hasSize(50);
        assertThat(results).filteredOn(r -> r == JoinResult.TOO_MANY_ROOMS).hasSize(10);
        assertThat(store.roomsOf("c1")).hasSize(50);
        long memberships = IntStream.range(0, 60).filter(i -> !store.members("race-" + i).isEmpty()).count();
        assertThat(memberships).as("no membership row without its room on the connection").isEqualTo(50);
    }

    @Test
    void regrantReplacesTheGrantRewritesRightsAndLeavesDroppedRooms() {
        store.register(connection("c1", "alice", new Grant(Capabilities.fromCompact("*=jhps|"),
                NOW.plus(Duration.ofMinutes(5)))));
        store.join("c1", "keep", Rights.ALL, 10);
        store.join("c1", "narrow", Rights.ALL, 10);
        store.join("c1", "drop", Rights.ALL, 10);
        Connection seen = store.find("c1").orElseThrow();
        Grant fresh = new Grant(Capabilities.fromCompact("keep=jhps;narrow=j|"), NOW.plus(Duration.ofHours(1)));

        assertThat(store.regrant(seen, fresh, Map.of("keep", Rights.ALL, "narrow", Rights.of(RoomAction.JOIN))))
                .isEqualTo(JoinResult.JOINED);

        Connection after = store.find("c1").orElseThrow();
        assertThat(after.grant()).isEqualTo(fresh);
        assertThat(after.rooms()).containsOnly(Map.entry("keep", Rights.ALL),
                Map.entry("narrow", Rights.of(RoomAction.JOIN)));
        assertThat(store.members("drop")).isEmpty();
        assertThat(store.roomMembers("narrow", 10)).singleElement().satisfies(m -> {
            assertThat(m.rights()).isEqualTo(Rights.of(RoomAction.JOIN));
            assertThat(m.tokenExpiresAt()).as("the new token's expiry, where deliveries look").isEqualTo(
                    NOW.plus(Duration.ofHours(1)));
        });
        assertThat(store.userConnections("alice")).singleElement()
                .satisfies(m -> assertThat(m.tokenExpiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1))));
        assertThat(store.regrant(seen, Grant.NONE, Map.of())).as("decided from the read before")
                .isEqualTo(JoinResult.CHANGED);
        assertThat(store.regrant(after, new Grant(Capabilities.NONE, null), Map.of()))
                .isEqualTo(JoinResult.JOINED);
        assertThat(store.find("c1").orElseThrow().grant()).isEqualTo(Grant.NONE);
        assertThat(store.regrant(connection("ghost", "x"), Grant.NONE, Map.of()))
                .isEqualTo(JoinResult.UNKNOWN_CONNECTION);
    }

    /** Every member of one shard, read in pages of {@code limit} that each start after the last one's end. */
    private List<List<RoomMember>> pagesOf(String room, int shard, int limit) {
        List<List<RoomMember>> pages = new ArrayList<>();
        String after = null;
        for (;;) {
            List<RoomMember> page = store.membersAfter(room, shard, after, limit);
            assertThat(page).hasSizeLessThanOrEqualTo(limit);
            if (page.isEmpty()) {
                return pages;
            }
            pages.add(page);
            after = page.getLast().connectionId();
        }
    }

    @Test
    void aShardIsReadInPagesInAStableOrderEachMemberOnce() {
        List<String> ids = IntStream.range(0, 45).mapToObj(i -> "p" + i).toList();
        for (String id : ids) {
            store.register(connection(id, "u-" + id));
            store.join(id, "paged", Rights.of(RoomAction.JOIN, RoomAction.PRESENCE), 50);
        }
        store.register(connection("elsewhere", "eve"));
        store.join("elsewhere", "other", Rights.ALL, 50);

        List<String> listed = new ArrayList<>();
        for (int shard = 0; shard < store.shards(); shard++) {
            List<List<RoomMember>> pages = pagesOf("paged", shard, 7);
            assertThat(pagesOf("paged", shard, 7)).as("the same pages again").isEqualTo(pages);
            for (int page = 0; page < pages.size() - 1; page++) {
                assertThat(pages.get(page)).as("only the last page is short").hasSize(7);
            }
            List<String> inShard = pages.stream().flatMap(List::stream).map(RoomMember::connectionId).toList();
            assertThat(inShard).containsExactlyInAnyOrderElementsOf(store.members("paged", shard));
            assertThat(pages.stream().flatMap(List::stream)).allSatisfy(m -> {
                assertThat(m.userId()).isEqualTo("u-" + m.connectionId());
                assertThat(m.rights()).isEqualTo(Rights.of(RoomAction.JOIN, RoomAction.PRESENCE));
            });
            listed.addAll(inShard);
        }
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        assertThat(store.membersAfter("nobody-here", 0, null, 10)).isEmpty();
    }

    @Test
    void aPageStartsRightAfterItsMemberEvenWhenThatMemberHasLeft() {
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> "q" + i).toList();
        for (String id : ids) {
            store.register(connection(id, "u-" + id));
            store.join(id, "leaving", Rights.ALL, 50);
        }
        int shard = ConnectionStore.shardOf("q0", store.shards());
        List<RoomMember> whole = store.membersAfter("leaving", shard, null, 100);
        assertThat(whole.size()).isGreaterThanOrEqualTo(3);
        RoomMember gone = whole.get(1);

        store.leave(gone.connectionId(), "leaving");

        assertThat(store.membersAfter("leaving", shard, gone.connectionId(), 100))
                .isEqualTo(whole.subList(2, whole.size()));
        assertThat(store.membersAfter("leaving", shard, whole.getLast().connectionId(), 100)).isEmpty();
        assertThat(store.membersAfter("leaving", shard, null, 1)).containsExactly(whole.getFirst());
    }

    @Test
    void idsAndUsersWithSeparatorCharactersKeepToThemselves() {
        store.register(connection("a#b", "u#1"));
        store.register(connection("a", "u"));
        store.register(connection("a%23b", "u%231"));
        store.join("a#b", "r", Rights.ALL, 10);
        store.join("a", "r", Rights.ALL, 10);

        assertThat(store.members("r")).containsExactlyInAnyOrder("a#b", "a");
        assertThat(store.connectionsOf("u#1")).containsExactly("a#b");
        assertThat(store.connectionsOf("u%231")).containsExactly("a%23b");
        assertThat(store.connectionsOf("u")).containsExactly("a");
        assertThat(store.remove("a#b")).containsExactly("r");
        assertThat(store.members("r")).containsExactly("a");
        assertThat(store.find("a%23b")).isPresent();
    }

    @Test
    void framesCountInTheirWindowUpToTheBurstAndANewWindowStartsAfresh() {
        Quotas quotas = Quotas.defaults().withFrames(2, 4);
        store.register(connection("c1", "alice"));
        Instant window = Instant.ofEpochMilli(quotas.frameWindow().toMillis() * (NOW.toEpochMilli()
                / quotas.frameWindow().toMillis()));

        for (int i = 0; i < 4; i++) {
            assertThat(store.admit("c1", window.plusMillis(i), quotas)).isInstanceOf(Admission.Admitted.class);
        }
        assertThat(store.admit("c1", window.plusMillis(1_500), quotas)).isEqualTo(
                new Admission.Limited(Duration.ofMillis(500)));
        assertThat(store.admit("c1", window.plusMillis(2_000), quotas)).isInstanceOfSatisfying(
                Admission.Admitted.class, a -> assertThat(a.connection().userId()).isEqualTo("alice"));
        assertThat(store.admit("ghost", window, quotas)).isInstanceOf(Admission.Unknown.class);
    }

    @Test
    void framesOfOneConnectionRacingFromManyThreadsAdmitExactlyTheBurst() {
        Quotas quotas = Quotas.defaults().withFrames(1, 30);
        store.register(connection("c1", "alice"));
        Instant now = Instant.ofEpochMilli(quotas.frameWindow().toMillis() * (NOW.toEpochMilli()
                / quotas.frameWindow().toMillis()) + 10);
        List<Admission> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 50; i++) {
                pool.execute(() -> results.add(store.admit("c1", now, quotas)));
            }
        }

        assertThat(results).filteredOn(Admission.Admitted.class::isInstance).hasSize(30);
        assertThat(results).filteredOn(Admission.Limited.class::isInstance).hasSize(20);
    }

    @Test
    void aSendIsAdmittedOnlyForAMemberWithTheSendRightAndAValidToken() {
        Quotas quotas = Quotas.defaults();
        IdempotencyStore idempotency = idempotency();
        store.register(connection("c1", "alice", new Grant(Capabilities.NONE, NOW.plus(Duration.ofMinutes(5)))));
        store.join("c1", "talk", Rights.of(RoomAction.JOIN, RoomAction.SEND), 10);
        store.join("c1", "listen", Rights.of(RoomAction.JOIN), 10);

        assertThat(store.admitSend("c1", "talk", NOW, quotas, idempotency, null))
                .isEqualTo(new SendAdmission.Admitted(new IdempotencyStore.Claim.Claimed()));
        assertThat(store.admitSend("c1", "listen", NOW, quotas, idempotency, null))
                .isEqualTo(SendAdmission.Refused.because(SendAdmission.Refusal.FORBIDDEN));
        assertThat(store.admitSend("c1", "elsewhere", NOW, quotas, idempotency, null))
                .isEqualTo(SendAdmission.Refused.because(SendAdmission.Refusal.NOT_IN_ROOM));
        assertThat(store.admitSend("ghost", "talk", NOW, quotas, idempotency, null))
                .isEqualTo(SendAdmission.Refused.because(SendAdmission.Refusal.UNKNOWN_CONNECTION));
        assertThat(store.admitSend("c1", "talk", NOW.plus(Duration.ofMinutes(5)), quotas, idempotency, null))
                .isEqualTo(new SendAdmission.Refused(SendAdmission.Refusal.TOKEN_EXPIRED,
                        NOW.plus(Duration.ofMinutes(5)), null));
    }

    @Test
    void aSendsIdIsClaimedWithItsAdmissionAndARepeatFindsTheClaim() {
        Quotas quotas = Quotas.defaults();
        IdempotencyStore idempotency = idempotency();
        store.register(connection("c1", "alice"));
        store.join("c1", "r", Rights.ALL, 10);
        IdempotencyStore.Claiming claiming = new IdempotencyStore.Claiming(
                new IdempotencyStore.SendKey("r", "alice", "s-1"), NOW, NOW.plus(Duration.ofHours(1)),
                NOW.minusSeconds(30));

        assertThat(store.admitSend("c1", "r", NOW, quotas, idempotency, claiming))
                .isEqualTo(new SendAdmission.Admitted(new IdempotencyStore.Claim.Claimed()));
        assertThat(store.admitSend("c1", "r", NOW, quotas, idempotency, claiming))
                .isEqualTo(new SendAdmission.Admitted(new IdempotencyStore.Claim.Pending()));
        idempotency.complete(claiming.key(), "m-1", 7);
        assertThat(store.admitSend("c1", "r", NOW, quotas, idempotency, claiming))
                .isEqualTo(new SendAdmission.Admitted(new IdempotencyStore.Claim.Completed("m-1", 7)));
        assertThat(store.admitSend("c1", "elsewhere", NOW, quotas, idempotency, claiming))
                .as("a refused send claims nothing")
                .isEqualTo(SendAdmission.Refused.because(SendAdmission.Refusal.NOT_IN_ROOM));
    }

    @Test
    void aSendOverTheQuotaIsRefusedWithWhenToRetry() {
        Quotas quotas = Quotas.defaults().withFrames(1, 2);
        store.register(connection("c1", "alice"));
        store.join("c1", "r", Rights.ALL, 10);
        Instant window = Instant.ofEpochMilli(quotas.frameWindow().toMillis() * (NOW.toEpochMilli()
                / quotas.frameWindow().toMillis()));

        store.admitSend("c1", "r", window, quotas, idempotency(), null);
        store.admitSend("c1", "r", window, quotas, idempotency(), null);

        assertThat(store.admitSend("c1", "r", window.plusMillis(250), quotas, idempotency(), null)).isEqualTo(
                new SendAdmission.Refused(SendAdmission.Refusal.RATE_LIMITED, null, Duration.ofMillis(1_750)));
    }

    @Test
    void aJoinDecidedBeforeTheConnectionWasRemovedLeavesNoMembership() {
        store.register(connection("c1", "alice"));
        Connection seen = store.find("c1").orElseThrow();
        store.remove("c1");

        assertThat(store.join(seen, "late", Rights.ALL, 10)).isEqualTo(JoinResult.UNKNOWN_CONNECTION);
        assertThat(store.members("late")).isEmpty();
    }

    @Test
    void aRefreshDecidedBeforeTheConnectionWasRemovedBringsNothingBack() {
        store.register(connection("c1", "alice"));
        store.join("c1", "r", Rights.ALL, 10);
        Connection seen = store.find("c1").orElseThrow();
        store.remove("c1");

        assertThat(store.regrant(seen, new Grant(Capabilities.NONE, NOW.plus(Duration.ofHours(1))),
                Map.of("r", Rights.of(RoomAction.JOIN)))).isEqualTo(JoinResult.UNKNOWN_CONNECTION);
        assertThat(store.members("r")).isEmpty();
        assertThat(store.roomMembers("r", 10)).isEmpty();
        assertThat(store.connectionsOf("alice")).isEmpty();
    }
}
