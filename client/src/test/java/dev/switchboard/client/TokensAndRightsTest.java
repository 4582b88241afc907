package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.Capabilities;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens from a provider, refreshed ahead of expiry, a connection whose token expired, and what a token does not
 * grant: against the local stack with authentication on (deny unless the token grants it), with short-lived tokens.
 */
class TokensAndRightsTest {

    private static LocalRuntime stack;
    private static String secret;

    private final List<SwitchboardClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withAuth(true));
        secret = stack.jwtSecret().orElseThrow();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SwitchboardClient::close);
    }

    /** Mints a token per call, with the lifetime and capabilities set at that moment; remembers what it issued. */
    static final class Minter implements TokenProvider {
        final String user;
        volatile Duration lifetime;
        volatile Capabilities capabilities;
        /** While set, calls wait for it: a token service that is slow or down. */
        volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
        final List<String> issued = new CopyOnWriteArrayList<>();

        Minter(String user, Duration lifetime, Capabilities capabilities) {
            this.user = user;
            this.lifetime = lifetime;
            this.capabilities = capabilities;
        }

        @Override
        public CompletionStage<String> token() {
            return gate.thenApply(ready -> {
                String token = LocalTokens.mint(secret, user, lifetime, capabilities);
                issued.add(token);
                return token;
            });
        }

        Instant firstExpiry() {
            return TokenLifetime.expiry(issued.getFirst()).orElseThrow();
        }
    }

    /** What a listener saw. */
    static final class Seen implements SwitchboardClient.Listener {
        final List<ServerFrame.Message> messages = new CopyOnWriteArrayList<>();
        final List<ServerFrame.Reset> resets = new CopyOnWriteArrayList<>();
        final List<SwitchboardException> errors = new CopyOnWriteArrayList<>();
        final Map<String, SwitchboardException> lost = new ConcurrentHashMap<>();
        final List<SwitchboardClient.State> states = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(ServerFrame.Message message) {
            messages.add(message);
        }

        @Override
        public void onReset(ServerFrame.Reset reset) {
            resets.add(reset);
        }

        @Override
        public void onRoomLost(String room, SwitchboardException reason) {
            lost.put(room, reason);
        }

        @Override
        public void onError(SwitchboardException error) {
            errors.add(error);
        }

        @Override
        public void onStateChange(SwitchboardClient.State state) {
            states.add(state);
        }

        List<String> data(String room) {
            return messages.stream().filter(m -> m.room().equals(room))
                    .sorted(Comparator.comparingLong(ServerFrame.Message::seq))
                    .map(ServerFrame.Message::data).toList();
        }

        List<ErrorCode> errorCodes() {
            return errors.stream().map(SwitchboardException::code).toList();
        }
    }

    private SwitchboardClient client(TokenProvider tokens, Seen seen,
                                     UnaryOperator<SwitchboardClientOptions.Builder> extra) {
        SwitchboardClient client = SwitchboardClient.create(extra.apply(SwitchboardClientOptions
                .builder(stack.webSocketUrl())
                .tokenProvider(tokens)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .gapTimeout(Duration.ofMillis(300)))
                .build(), seen);
        clients.add(client);
        client.connect().join();
        return client;
    }

    private SwitchboardClient client(TokenProvider tokens, Seen seen) {
        return client(tokens, seen, builder -> builder);
    }

    private static SwitchboardClientOptions.Builder inHeader(SwitchboardClientOptions.Builder builder) {
        return builder.tokenInHeader();
    }

    private static Minter everything(String user, Duration lifetime) {
        return new Minter(user, lifetime, LocalTokens.EVERYTHING);
    }

    private static String room() {
        return "auth-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static SwitchboardException failure(CompletableFuture<?> request) {
        CompletionException failed = catchThrowableOfType(CompletionException.class, request::join);
        assertThat(failed).as("the request failed").isNotNull();
        assertThat(failed.getCause()).as("refused by the server").isInstanceOf(ServerErrorException.class);
        return (SwitchboardException) failed.getCause();
    }

    @Test
    void bothClientsRefreshTheirShortLivedTokensAndStayConnectedPastTheFirstExpiry() {
        String room = room();
        Minter aliceTokens = everything("alice", Duration.ofSeconds(5));
        Minter bobTokens = everything("bob", Duration.ofSeconds(5));
        Seen alice = new Seen();
        Seen bob = new Seen();
        SwitchboardClient aliceClient = client(aliceTokens, alice);
        SwitchboardClient bobClient = client(bobTokens, bob, TokensAndRightsTest::inHeader);
        aliceClient.join(room).join();
        bobClient.join(room).join();
        aliceClient.sendText(room, "before").join();
        await().untilAsserted(() -> assertThat(bob.data(room)).containsExactly("\"before\""));

        Instant firstExpiry = aliceTokens.firstExpiry().isAfter(bobTokens.firstExpiry())
                ? aliceTokens.firstExpiry() : bobTokens.firstExpiry();
        await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(1)));

        aliceClient.sendText(room, "after").join();
        bobClient.sendText(room, "reply").join();
        List<String> all = List.of("\"before\"", "\"after\"", "\"reply\"");
        await().untilAsserted(() -> assertThat(bob.data(room)).isEqualTo(all));
        await().untilAsserted(() -> assertThat(alice.data(room)).isEqualTo(all));
        assertThat(aliceTokens.issued).as("tokens alice's provider gave").hasSizeGreaterThanOrEqualTo(2);
        assertThat(bobTokens.issued).as("tokens bob's provider gave").hasSizeGreaterThanOrEqualTo(2);
        assertThat(alice.states).as("alice never lost her connection").containsExactly(
                SwitchboardClient.State.CONNECTING, SwitchboardClient.State.OPEN);
        assertThat(bob.states).as("bob never lost his connection").containsExactly(
                SwitchboardClient.State.CONNECTING, SwitchboardClient.State.OPEN);
        assertThat(alice.errors).isEmpty();
        assertThat(bob.errors).isEmpty();
    }

    /**
     * A token service that renews too late: it mints short-lived tokens while the test sets up (so the connection is
     * refreshed, or reconnects, however slow the machine is), then, once told to stop renewing, hands out the last
     * of them until it has expired, and tokens from {@code fresh} after that.
     */
    static final class LateRenewal implements TokenProvider {
        private final Minter shortLived;
        private final Minter fresh;
        final List<String> handedOut = new CopyOnWriteArrayList<>();
        private String stale;
        private Instant staleExpiry;

        LateRenewal(Minter shortLived, Minter fresh) {
            this.shortLived = shortLived;
            this.fresh = fresh;
        }

        @Override
        public synchronized CompletionStage<String> token() {
            CompletionStage<String> next;
            if (stale == null) {
                next = shortLived.token();
            } else if (Instant.now().isBefore(staleExpiry)) {
                next = CompletableFuture.completedFuture(stale);
            } else {
                next = fresh.token();
            }
            return next.thenApply(token -> {
                handedOut.add(token);
                return token;
            });
        }

        /** From now on, the last short-lived token until it expires; returns that token. */
        synchronized String stopRenewing() {
            stale = shortLived.issued.getLast();
            staleExpiry = TokenLifetime.expiry(stale).orElseThrow();
            return stale;
        }
    }

    @Test
    void aConnectionWhoseTokenExpiredReconnectsWithAFreshTokenAndLosesNothing() {
        String room = room();
        Seen alice = new Seen();
        SwitchboardClient aliceClient = client(everything("alice", Duration.ofHours(1)), alice);
        // Once bob is set up, his provider hands out one short-lived token until it has expired, so the connection
        // cannot be refreshed in time; after that, fresh tokens, once the test opens the gate.
        Minter fresh = everything("bob", Duration.ofHours(1));
        fresh.gate = new CompletableFuture<>();
        LateRenewal bobTokens = new LateRenewal(everything("bob", Duration.ofSeconds(3)), fresh);
        Seen bob = new Seen();
        SwitchboardClient bobClient = client(bobTokens, bob);
        aliceClient.join(room).join();
        bobClient.join(room).join();
        aliceClient.sendText(room, "m1").join();
        await().untilAsserted(() -> assertThat(bob.data(room)).containsExactly("\"m1\""));

        String stale = bobTokens.stopRenewing();
        Instant staleExpiry = TokenLifetime.expiry(stale).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(staleExpiry.plusMillis(300)));
        // Nothing reaches a connection live after its token expired: m2 comes to bob by resume, once he is back.
        aliceClient.sendText(room, "m2").join();
        CompletableFuture<ServerFrame.Ack> bobSend = bobClient.sendText(room, "from bob");
        await().untilAsserted(() -> {
            assertThat(bob.errorCodes()).contains(ErrorCode.TOKEN_EXPIRED);
            assertThat(bob.states).contains(SwitchboardClient.State.RECONNECTING);
        });
        aliceClient.sendText(room, "m3 while bob reconnects").join();
        fresh.gate.complete(null);

        ServerFrame.Ack ack = bobSend.join();
        assertThat(ack.seq()).isEqualTo(4);
        List<String> all = List.of("\"m1\"", "\"m2\"", "\"m3 while bob reconnects\"", "\"from bob\"");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(bob.data(room)).isEqualTo(all));
        await().untilAsserted(() -> assertThat(alice.data(room)).isEqualTo(all));
        assertThat(bob.messages).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(fresh.issued).as("bob reconnected with a fresh token").isNotEmpty();
        assertThat(bobTokens.handedOut.getLast()).isNotEqualTo(stale);
        assertThat(bobClient.state()).isEqualTo(SwitchboardClient.State.OPEN);
    }

    @Test
    void aTokenRefusedAtTheHandshakeIsAskedForOnceMore() {
        // The first token expired long ago (beyond the server's clock skew allowance), as one cached across a long
        // reconnect backoff would have; the second is fresh.
        List<String> tokens = new CopyOnWriteArrayList<>(List.of(
                LocalTokens.mint(secret, "carol", Duration.ofMinutes(-5)),
                LocalTokens.mint(secret, "carol", Duration.ofHours(1))));
        List<String> handedOut = new CopyOnWriteArrayList<>();
        Seen carol = new Seen();
        SwitchboardClient client = client(() -> {
            String token = tokens.removeFirst();
            handedOut.add(token);
            return CompletableFuture.completedFuture(token);
        }, carol);

        assertThat(handedOut).hasSize(2);
        assertThat(client.state()).isEqualTo(SwitchboardClient.State.OPEN);
        assertThat(client.ping().join().ts()).isPositive();
    }

    @Test
    void whatTheTokenDoesNotGrantFailsWithForbiddenAndTheConnectionStaysUsable() {
        String open = room();
        String readOnly = room();
        Capabilities caps = LocalTokens.parseRooms(open + ":join,send;" + readOnly + ":join,history,presence", "");
        Seen dave = new Seen();
        SwitchboardClient client = client(new Minter("dave", Duration.ofHours(1), caps), dave);
        client.join(open).join();
        client.join(readOnly).join();

        SwitchboardException send = failure(client.sendText(readOnly, "may I?"));
        assertThat(send.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(send.temporary()).isFalse();
        assertThat(send.getMessage()).contains("send").contains(readOnly);
        SwitchboardException join = failure(client.join(room()));
        assertThat(join.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(failure(client.direct("erin", "1")).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(failure(client.presence(open)).code()).isEqualTo(ErrorCode.FORBIDDEN);

        assertThat(client.ping().join().ts()).isPositive();
        assertThat(client.sendText(open, "this is allowed").join().seq()).isEqualTo(1);
        assertThat(client.presence(readOnly).join().members()).extracting(ServerFrame.Member::user)
                .containsExactly("dave");
        assertThat(dave.states).containsExactly(SwitchboardClient.State.CONNECTING, SwitchboardClient.State.OPEN);
    }

    @Test
    void roomsARefreshedTokenNoLongerGrantsAreReportedLostAndTheOthersCarryOn() {
        String kept = room();
        String revoked = room();
        Minter bobTokens = new Minter("bob", Duration.ofSeconds(3), LocalTokens.parseRooms(
                kept + ":join,history,send;" + revoked + ":join,history,send", ""));
        Seen bob = new Seen();
        SwitchboardClient bobClient = client(bobTokens, bob);
        SwitchboardClient aliceClient = client(everything("alice", Duration.ofHours(1)), new Seen());
        bobClient.join(kept).join();
        bobClient.join(revoked).join();
        aliceClient.join(kept).join();
        aliceClient.join(revoked).join();
        bobTokens.lifetime = Duration.ofHours(1);
        bobTokens.capabilities = LocalTokens.parseRooms(kept + ":join,history,send", "");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bob.lost).containsKey(revoked));
        assertThat(bob.lost.get(revoked)).isInstanceOf(ServerErrorException.class);
        assertThat(bob.lost.get(revoked).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(bob.lost).doesNotContainKey(kept);
        assertThat(bobClient.position(revoked)).isEqualTo(-1);
        assertThat(aliceClient.presence(revoked).join().members()).extracting(ServerFrame.Member::user)
                .containsExactly("alice");
        aliceClient.sendText(kept, "still here").join();
        await().untilAsserted(() -> assertThat(bob.data(kept)).containsExactly("\"still here\""));
        assertThat(bob.states).containsExactly(SwitchboardClient.State.CONNECTING, SwitchboardClient.State.OPEN);
        assertThat(bob.errors).isEmpty();
    }

    @Test
    void aRoomRefusedAtAutomaticRejoinIsDroppedWithACallbackAndTheOthersResume() {
        String kept = room();
        String refused = room();
        Minter bobTokens = new Minter("bob", Duration.ofHours(1), LocalTokens.parseRooms(
                kept + ":join,history,send;" + refused + ":join,history,send", ""));
        Seen bob = new Seen();
        SwitchboardClient bobClient = client(bobTokens, bob);
        SwitchboardClient aliceClient = client(everything("alice", Duration.ofHours(1)), new Seen());
        bobClient.join(kept).join();
        bobClient.join(refused).join();
        aliceClient.join(kept).join();
        bobTokens.capabilities = LocalTokens.parseRooms(kept + ":join,history,send", "");
        bobTokens.gate = new CompletableFuture<>();

        bobClient.dropConnection();
        aliceClient.sendText(kept, "while bob was away").join();
        bobTokens.gate.complete(null);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bob.lost).containsKey(refused));
        assertThat(bob.lost.get(refused).code()).isEqualTo(ErrorCode.FORBIDDEN);
        await().untilAsserted(() -> assertThat(bob.data(kept)).containsExactly("\"while bob was away\""));
        assertThat(bobClient.position(refused)).isEqualTo(-1);
        assertThat(bobClient.ping().join().ts()).isPositive();
    }

    @Test
    void withoutTheHistoryRightARejoinFallsBackToAPlainJoinAndReportsWhatMayBeMissing() {
        String room = room();
        Minter bobTokens = new Minter("bob", Duration.ofHours(1), LocalTokens.parseRooms(room + ":join,send", ""));
        Seen bob = new Seen();
        SwitchboardClient bobClient = client(bobTokens, bob);
        SwitchboardClient aliceClient = client(everything("alice", Duration.ofHours(1)), new Seen());
        bobClient.join(room).join();
        aliceClient.join(room).join();
        aliceClient.sendText(room, "m1").join();
        await().untilAsserted(() -> assertThat(bob.data(room)).containsExactly("\"m1\""));
        bobTokens.gate = new CompletableFuture<>();

        bobClient.dropConnection();
        aliceClient.sendText(room, "m2").join();
        aliceClient.sendText(room, "m3").join();
        bobTokens.gate.complete(null);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bob.resets).singleElement()
                .satisfies(reset -> {
                    assertThat(reset.room()).isEqualTo(room);
                    assertThat(reset.seq()).isEqualTo(3);
                    assertThat(reset.reason()).contains("2-3").contains("history");
                }));
        aliceClient.sendText(room, "m4").join();
        await().untilAsserted(() -> assertThat(bob.data(room)).containsExactly("\"m1\"", "\"m4\""));
        assertThat(bobClient.position(room)).isEqualTo(4);
        bobClient.sendText(room, "bob is back").join();
        assertThat(bob.resets).hasSize(1);
        assertThat(bob.lost).isEmpty();
        assertThat(bobClient.state()).isEqualTo(SwitchboardClient.State.OPEN);
    }

    @Test
    void twoClientsOfOneUserNeverShareARequestId() {
        String room = room();
        SwitchboardClient phone = client(everything("frank", Duration.ofHours(1)), new Seen());
        SwitchboardClient laptop = client(everything("frank", Duration.ofHours(1)), new Seen());
        phone.join(room).join();
        laptop.join(room).join();

        ServerFrame.Ack first = phone.sendText(room, "from the phone").join();
        ServerFrame.Ack second = laptop.sendText(room, "from the laptop").join();

        assertThat(second.messageId()).as("the server took the second send for a repeat of the first")
                .isNotEqualTo(first.messageId());
        assertThat(List.of(first.seq(), second.seq())).containsExactly(1L, 2L);
    }
}
