package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code presence} in pages: however big the room, a reply lists at most {@link Limits#PRESENCE_PAGE_SIZE}
 * connections and carries a cursor for the next page; walking the cursors lists every member once, across shards.
 */
class PresencePagingTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final String ROOM = "hall";

    private InMemoryConnectionStore store;
    private Switchboard switchboard;

    private void start(int shards) {
        store = new InMemoryConnectionStore(shards);
        switchboard = TestSwitchboard.builder().store(store).clock(MovableClock.at(NOW))
                .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
                .build().switchboard();
    }

    private static Grant grant(String compact) {
        return new Grant(Capabilities.fromCompact(compact), NOW.plus(Duration.ofHours(1)));
    }

    /** A member of the room whose token grants join and presence there. */
    private void member(String connectionId, String user) {
        member(connectionId, user, ROOM + "=jp|");
    }

    private void member(String connectionId, String user, String capabilities) {
        switchboard.connect(connectionId, user, "", grant(capabilities));
        assertThat(switchboard.join(connectionId, new ClientFrame.Join(null, ROOM)))
                .isInstanceOf(ServerFrame.Ack.class);
    }

    private ServerFrame.Presence page(String connectionId, String cursor) {
        ServerFrame reply = switchboard.presence(connectionId, new ClientFrame.Presence("p", ROOM, cursor));
        assertThat(reply).isInstanceOf(ServerFrame.Presence.class);
        return (ServerFrame.Presence) reply;
    }

    /** Every page from the first, following the cursors. */
    private List<ServerFrame.Presence> walk(String connectionId) {
        List<ServerFrame.Presence> pages = new ArrayList<>();
        String cursor = null;
        do {
            ServerFrame.Presence page = page(connectionId, cursor);
            pages.add(page);
            cursor = page.cursor();
            assertThat(pages).as("pages for a room of %d", store.members(ROOM).size()).hasSizeLessThan(50);
        } while (cursor != null);
        return pages;
    }

    private static int connections(ServerFrame.Presence page) {
        return page.members().stream().mapToInt(ServerFrame.Member::connections).sum();
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4, 7})
    void aRoomOf250IsListedInThreePagesOfAtMost100EachMemberOnce(int shards) {
        start(shards);
        List<String> users = IntStream.range(0, 250).mapToObj(i -> "user-" + i).toList();
        users.forEach(user -> member("conn-" + user, user));

        List<ServerFrame.Presence> pages = walk("conn-user-0");

        assertThat(pages).hasSize(3);
        assertThat(pages).extracting(PresencePagingTest::connections).containsExactly(100, 100, 50);
        assertThat(pages).allSatisfy(p -> assertThat(p.members()).hasSizeLessThanOrEqualTo(Limits.PRESENCE_PAGE_SIZE));
        assertThat(pages.subList(0, 2)).allSatisfy(p -> assertThat(p.more()).isTrue());
        assertThat(pages.getLast().more()).isFalse();
        assertThat(pages.getLast().cursor()).isNull();
        assertThat(pages.stream().flatMap(p -> p.members().stream()).map(ServerFrame.Member::user).toList())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(users);
        assertThat(walk("conn-user-0")).as("the same pages again: a stable order").isEqualTo(pages);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void aRoomOfExactlyOnePageSaysItIsTheLastAndOneMoreMakesTwo(int shards) {
        start(shards);
        IntStream.range(0, Limits.PRESENCE_PAGE_SIZE).forEach(i -> member("c" + i, "u" + i));

        ServerFrame.Presence only = page("c0", null);

        assertThat(connections(only)).isEqualTo(Limits.PRESENCE_PAGE_SIZE);
        assertThat(only.more()).as("no empty page after a full one").isFalse();

        member("c-extra", "u-extra");
        List<ServerFrame.Presence> pages = walk("c0");
        assertThat(pages).extracting(PresencePagingTest::connections).containsExactly(100, 1);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void aUserWithConnectionsOnSeveralPagesAddsUpToTheirCount(int shards) {
        start(shards);
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 230; i++) {
            String user = "user-" + (i % 70);
            member("conn-" + i, user);
            expected.merge(user, 1, Integer::sum);
        }

        Map<String, Integer> summed = new HashMap<>();
        walk("conn-0").forEach(page -> page.members()
                .forEach(m -> summed.merge(m.user(), m.connections(), Integer::sum)));

        assertThat(summed).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void aPageOfTheLongestUserIdsStaysUnderTheMessageLimitWhereTheWholeRoomWouldNot(int shards) {
        start(shards);
        // Three UTF-8 bytes per character: the longest a user id may be on the wire.
        String longest = "\u20ac".repeat(Limits.MAX_USER_LENGTH - 3);
        for (int i = 0; i < 400; i++) {
            member("c" + i, longest + String.format("%03d", i));
        }

        List<ServerFrame.Presence> pages = walk("c0");

        int whole = 0;
        for (ServerFrame.Presence page : pages) {
            int bytes = FrameCodec.encodeBytes(page).length;
            assertThat(bytes).isLessThanOrEqualTo(Limits.MAX_MESSAGE_BYTES);
            whole += bytes;
        }
        assertThat(whole).as("one reply with every member would be refused by API Gateway")
                .isGreaterThan(Limits.MAX_MESSAGE_BYTES);
        assertThat(pages.stream().mapToInt(PresencePagingTest::connections).sum()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void hostileCursorsAreRefusedAsInvalidAndTheConnectionCarriesOn(int shards) {
        start(shards);
        IntStream.range(0, 150).forEach(i -> member("c" + i, "u" + i));
        switchboard.connect("elsewhere", "eve", "", grant("other=jp|"));
        switchboard.join("elsewhere", new ClientFrame.Join(null, "other"));
        IntStream.range(0, 150).forEach(i -> {
            switchboard.connect("o" + i, "o" + i, "", grant("other=jp|"));
            switchboard.join("o" + i, new ClientFrame.Join(null, "other"));
        });
        String otherRooms = ((ServerFrame.Presence) switchboard.presence("elsewhere",
                new ClientFrame.Presence("p", "other"))).cursor();
        String real = page("c0", null).cursor();
        byte[] raw = Base64.getUrlDecoder().decode(real);
        byte[] versionTwo = raw.clone();
        versionTwo[0] = 2;
        byte[] editedShard = raw.clone();
        editedShard[2] = (byte) shards;

        List<String> hostile = List.of(
                otherRooms,
                "AAAA",
                "x",
                encode(versionTwo),
                encode(editedShard),
                encode(java.util.Arrays.copyOf(raw, 10)),
                real.substring(0, 6) + (real.charAt(6) == 'A' ? 'B' : 'A') + real.substring(7),
                new PresenceCursor(0, "x".repeat(PresenceCursor.MAX_AFTER_BYTES)).encode("another-room"),
                encode(concat(java.util.Arrays.copyOf(raw, 11), new byte[] {(byte) 0xC3, 0x28})),
                encode(concat(java.util.Arrays.copyOf(raw, 11), "a\u0007b".getBytes(StandardCharsets.UTF_8))));
        for (String cursor : hostile) {
            assertThat(switchboard.presence("c0", new ClientFrame.Presence("h", ROOM, cursor))).as(cursor)
                    .isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                        assertThat(e.id()).isEqualTo("h");
                        assertThat(e.message()).contains("cursor");
                    });
        }
        assertThat(page("c0", real).more()).as("the real cursor still works").isFalse();
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void theSecondPageIsRefusedToWhoeverTheFirstWouldBe(int shards) {
        start(shards);
        IntStream.range(0, 150).forEach(i -> member("c" + i, "u" + i));
        member("watcher-not", "bob", ROOM + "=j|");
        switchboard.connect("outsider", "carol", "", grant(ROOM + "=jp|"));
        String cursor = page("c0", null).cursor();
        assertThat(cursor).isNotNull();

        for (String cursorOrNot : new String[] {null, cursor}) {
            assertThat(switchboard.presence("watcher-not", new ClientFrame.Presence("p", ROOM, cursorOrNot)))
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThat(switchboard.presence("outsider", new ClientFrame.Presence("p", ROOM, cursorOrNot)))
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
            assertThat(switchboard.presence("nobody", new ClientFrame.Presence("p", ROOM, cursorOrNot)))
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_CONNECTION));
        }
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void membersLeavingBetweenPagesAreNeitherRepeatedNorCostAnyoneElsesPlace(int shards) {
        start(shards);
        IntStream.range(0, 250).forEach(i -> member("c" + i, "u" + i));
        ServerFrame.Presence first = page("c0", null);
        List<String> seen = new ArrayList<>(first.members().stream().map(ServerFrame.Member::user).toList());
        // The member the cursor continues after (the first page's last) and a few not yet listed leave.
        String lastListed = PresenceCursor.decode(ROOM, first.cursor(), shards).orElseThrow().after();
        assertThat(lastListed).isNotNull();
        List<String> leaving = new ArrayList<>(List.of(lastListed));
        store.members(ROOM).stream().filter(id -> !seen.contains("u" + id.substring(1))).limit(3)
                .forEach(leaving::add);
        leaving.forEach(id -> switchboard.leave(id, new ClientFrame.Leave(null, ROOM)));

        String cursor = first.cursor();
        while (cursor != null) {
            ServerFrame.Presence page = page("c0", cursor);
            page.members().forEach(m -> seen.add(m.user()));
            cursor = page.cursor();
        }

        List<String> expected = new ArrayList<>(IntStream.range(0, 250).mapToObj(i -> "u" + i).toList());
        leaving.stream().filter(id -> !id.equals(lastListed)).forEach(id -> expected.remove("u" + id.substring(1)));
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void membersWhoseTokenExpiredAreNotListedButThePagesStillReachTheEnd(int shards) {
        start(shards);
        for (int i = 0; i < 220; i++) {
            Grant grant = i % 2 == 0 ? grant(ROOM + "=jp|")
                    : new Grant(Capabilities.fromCompact(ROOM + "=jp|"), NOW.minusSeconds(1));
            store.register(new Connection("c" + i, "u" + i, NOW, "", NOW.plus(Duration.ofHours(3)), grant));
            store.join("c" + i, ROOM, Rights.ALL, 50);
        }

        List<ServerFrame.Presence> pages = walk("c0");

        assertThat(pages).hasSize(3);
        assertThat(pages.stream().flatMap(p -> p.members().stream()).map(ServerFrame.Member::user).toList())
                .doesNotHaveDuplicates().hasSize(110).allMatch(user -> Integer.parseInt(user.substring(1)) % 2 == 0);
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
