package dev.switchboard.functions.faults;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.ConnectHandler;
import dev.switchboard.functions.DisconnectHandler;
import dev.switchboard.functions.Events;
import dev.switchboard.functions.FakeLambdaContext;
import dev.switchboard.functions.FanoutHandler;
import dev.switchboard.functions.JoinHandler;
import dev.switchboard.functions.ResumeHandler;
import dev.switchboard.functions.SendHandler;
import dev.switchboard.functions.Services;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.LocalDynamoDb;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One room of members sending to each other through the real handlers, with the store and {@code @connections}
 * failing at random underneath: the driver plays API Gateway (events built from the fixtures, one connection per
 * member at a time, a dropped socket's {@code $disconnect} delivered or not), Lambda's SQS event source (the fan-out
 * queue drained into the real worker) and the members' clients (each send retried with its id until it is
 * acknowledged, messages de-duplicated by seq, gaps filled by resume, a dropped connection replaced and resumed from
 * the last seq seen).
 *
 * <p>It runs in rounds of 100 ms of simulated time: in each, some members send at once (each its own invocation,
 * on its own thread), members whose connection dropped reconnect, and every 2 s the fan-out queue is drained. Once
 * every send has its answer, time jumps ahead in steps of 31 s (past the sender deadline, so a seq whose sender
 * failed becomes a hole clients may skip, and an abandoned idempotency claim may be taken again) until the queue is
 * empty and every member has caught up.
 */
final class RoomSimulation {

    static final String ROOM = "lobby";

    private static final Duration ROUND = Duration.ofMillis(100);
    private static final Duration PAST_SENDER_DEADLINE = Duration.ofSeconds(31);
    /** Rounds between drains of the fan-out queue: 2 s, the first deferral's delay. */
    private static final int DRAIN_EVERY = 20;
    /** Rounds a client waits on a gap before it asks with resume (the client library's gap timeout, 1 s). */
    private static final int GAP_CHECK_EVERY = 10;
    private static final int MAX_SEND_TRIES = 10;
    private static final int MAX_PAGES = 100;
    private static final int MAX_END_ROUNDS = 30;
    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    /**
     * @param storeFaultRate fraction of DynamoDB requests that fail (each attempt the SDK makes is one request)
     * @param postFaultRate  fraction of posts answered 429 or 500
     * @param outageRate     fraction of DynamoDB operations whose every attempt fails (the SDK gives up)
     * @param postFaultRate  fraction of posts answered 429 or 500
     * @param dropRate       chance that a post finds its connection dropped
     * @param concurrency    members sending at once in one round
     */
    record Settings(long seed, int members, int sends, int concurrency, double storeFaultRate, double outageRate,
                    double postFaultRate, double dropRate) {
    }

    private final Settings settings;
    private final Draws draws;
    /** Starts at the real time: DynamoDB Local treats rows whose TTL passed (by the real clock) as gone. */
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final FaultyStore store;
    private final FaultyConnections connections;
    private final DrainableFanoutQueue queue = new DrainableFanoutQueue();
    private final ConnectionStore cleanStore;
    private final RoomHistory cleanHistory;
    private final Context context = new FakeLambdaContext("fault-injection", "switchboard-route");
    private final ConnectHandler connect;
    private final DisconnectHandler disconnect;
    private final JoinHandler join;
    private final SendHandler send;
    private final ResumeHandler resume;
    private final FanoutHandler fanout;
    private final List<Member> members = new ArrayList<>();
    private final Map<String, Member> owners = new ConcurrentHashMap<>();
    private final Queue<Throwable> crashes = new ConcurrentLinkedQueue<>();

    private final Map<String, Long> acked = new ConcurrentHashMap<>();
    private final Queue<String> ackConflicts = new ConcurrentLinkedQueue<>();
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    private final Set<String> errored = ConcurrentHashMap.newKeySet();
    private final Map<ErrorCode, AtomicInteger> sendErrors = new EnumMap<>(ErrorCode.class);
    private final AtomicInteger sendInvocations = new AtomicInteger();
    private final AtomicInteger repliesLost = new AtomicInteger();
    private final AtomicInteger deferredInAcks = new AtomicInteger();
    private final AtomicInteger refusedHandshakes = new AtomicInteger();
    private final AtomicInteger joinErrors = new AtomicInteger();
    private final AtomicInteger resumeErrors = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();
    private final List<String> dropped = new ArrayList<>();
    private int disconnectsDelivered;
    private int presenceFrames;
    private int rounds;
    private int drains;
    private boolean converged;
    private long millis;

    RoomSimulation(Settings settings) {
        this.settings = settings;
        this.draws = new Draws(settings.seed());
        for (ErrorCode code : ErrorCode.values()) {
            sendErrors.put(code, new AtomicInteger());
        }
        String table = LocalDynamoDb.newTable();
        FunctionConfig config = FunctionConfig.from(Map.of(
                EnvNames.TABLE_NAME, table,
                EnvNames.MANAGEMENT_ENDPOINT, FaultyConnections.ENDPOINT.toString(),
                EnvNames.DYNAMODB_ENDPOINT, LocalDynamoDb.client().serviceClientConfiguration().endpointOverride()
                        .orElseThrow().toString(),
                EnvNames.REGION, "us-east-1"));
        store = new FaultyStore(AwsClients.httpClient(), draws, settings.storeFaultRate(),
                settings.outageRate());
        connections = new FaultyConnections(draws, settings.postFaultRate(), settings.dropRate());
        Services.Stores stores = Services.Stores.dynamoDb(AwsClients.dynamoDb(config, CREDENTIALS, store), config);
        Switchboard switchboard = Services.builder(config, stores, AwsClients.managementApi(
                        config.requireManagementEndpoint(), Region.of(config.region()), CREDENTIALS, connections), queue)
                .clock(clock)
                .build();
        connect = new ConnectHandler(switchboard);
        disconnect = new DisconnectHandler(switchboard);
        join = new JoinHandler(switchboard);
        send = new SendHandler(switchboard);
        resume = new ResumeHandler(switchboard);
        fanout = new FanoutHandler(switchboard);
        cleanStore = DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, config.roomShards());
        cleanHistory = new DynamoDbRoomHistory(LocalDynamoDb.client(), table);
        for (int i = 0; i < settings.members(); i++) {
            members.add(new Member(i));
        }
    }

    /** Runs the whole simulation: members join, every send is made and answered, then everyone catches up. */
    RoomSimulation run() {
        long start = System.nanoTime();
        while (members.stream().anyMatch(m -> m.state != Member.State.JOINED) && rounds < 100) {
            round(0, false);
        }
        if (members.stream().anyMatch(m -> m.state != Member.State.JOINED)) {
            crashes.add(new AssertionError("members could not join the room in " + rounds + " rounds"));
            return this;
        }
        for (int number = 1; number <= settings.sends(); number++) {
            members.get(draws.below("sender/" + number, members.size())).sends.add(new Member.Send(number));
        }
        int limit = settings.sends() * 20;
        for (int round = 1; members.stream().anyMatch(m -> !m.sends.isEmpty()) && round <= limit; round++) {
            int sent = round(settings.concurrency(), round % GAP_CHECK_EVERY == 0);
            if (round % DRAIN_EVERY == 0) {
                drain();
            }
            // Nobody could send (every pending send is backing off): let the time pass.
            clock.advance(sent == 0 ? ROUND.multipliedBy(10) : ROUND);
        }
        for (int round = 0; round < MAX_END_ROUNDS && !converged; round++) {
            clock.advance(PAST_SENDER_DEADLINE);
            drain();
            members.stream().filter(m -> m.state == Member.State.DROPPED).forEach(m -> m.reconnectAt = rounds);
            round(0, false);
            converged = catchUp() && queue.isEmpty();
        }
        millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        return this;
    }

    /**
     * One round: members due to reconnect do, members holding a connection not yet in the room join, up to
     * {@code senders} members send, and (when {@code gapCheck}) members holding messages behind a gap resume; then
     * the driver sees which sockets dropped and hands each member what its connections received. Returns the number
     * of sends made.
     */
    private int round(int senders, boolean gapCheck) {
        rounds++;
        int round = rounds;
        Instant now = clock.instant();
        List<Member> sending = members.stream()
                .filter(m -> m.state == Member.State.JOINED && m.sends.stream().anyMatch(s -> !s.notBefore.isAfter(now)))
                .sorted(Comparator.comparingDouble(m -> draws.uniform("pick/" + round + "/" + m.index)))
                .limit(senders)
                .toList();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Member member : members) {
                boolean sends = sending.contains(member);
                threads.execute(() -> {
                    try {
                        act(member, round, sends, gapCheck);
                    } catch (Throwable e) {
                        crashes.add(e);
                    }
                });
            }
        }
        settle(round);
        return sending.size();
    }

    private void act(Member member, int round, boolean sends, boolean gapCheck) {
        switch (member.state) {
            case DROPPED -> {
                if (member.reconnectAt <= round) {
                    reconnect(member, round);
                }
            }
            case CONNECTED -> joinRoom(member);
            case JOINED -> {
                if (sends) {
                    send(member);
                } else if (gapCheck && member.hasGap()) {
                    resumeAll(member);
                }
            }
        }
    }

    /** A new socket ($connect), then the room again from the last seq seen. */
    private void reconnect(Member member, int round) {
        String connectionId = member.newConnection();
        owners.put(connectionId, member);
        int status = Scope.run("connect:" + connectionId, Scope.Kind.OTHER,
                () -> connect.handleRequest(event("connect", member, connectionId, null), context)).getStatusCode();
        if (status != 200) {
            // A refused handshake: the client tries again with a new socket.
            refusedHandshakes.incrementAndGet();
            member.reconnectAt = round + 1;
            return;
        }
        connections.opened(connectionId);
        member.state = Member.State.CONNECTED;
        joinRoom(member);
    }

    private void joinRoom(Member member) {
        String connectionId = member.connectionId();
        ClientFrame.Join frame = new ClientFrame.Join("join-" + connectionId, ROOM,
                member.knowsPosition() ? member.position() : null);
        ServerFrame reply = invoke("join:" + connectionId + "#" + member.nextInvocation(), Scope.Kind.OTHER,
                () -> join.handleRequest(event("join", member, connectionId, FrameCodec.encode(frame)), context));
        if (!connections.isOpen(connectionId)) {
            return;
        }
        switch (reply) {
            case ServerFrame.Ack ack -> {
                member.state = Member.State.JOINED;
                member.start(ack.seq());
            }
            case ServerFrame.History history -> {
                member.state = Member.State.JOINED;
                history.messages().forEach(message -> member.accept(message, Member.Arrival.RESUME));
                resumeAll(member);
            }
            case ServerFrame.Reset reset -> {
                member.state = Member.State.JOINED;
                member.reset(reset.seq());
                resumeAll(member);
            }
            default -> joinErrors.incrementAndGet();
        }
    }

    /**
     * Asks for what follows the member's position until the room has nothing more for it; returns whether it is
     * caught up (at the room's latest seq, nothing held behind a gap).
     */
    private boolean resumeAll(Member member) {
        String connectionId = member.connectionId();
        for (int page = 0; page < MAX_PAGES; page++) {
            long before = member.position();
            ClientFrame.Resume frame = new ClientFrame.Resume("resume-" + before, ROOM, before);
            resumes.incrementAndGet();
            ServerFrame reply = invoke("resume:" + connectionId + "@" + before + "#" + member.nextInvocation(),
                    Scope.Kind.OTHER, () -> resume.handleRequest(
                            event("resume", member, connectionId, FrameCodec.encode(frame)), context));
            if (!connections.isOpen(connectionId)) {
                return false;
            }
            switch (reply) {
                case ServerFrame.History history -> {
                    history.messages().forEach(message -> member.accept(message, Member.Arrival.RESUME));
                    if (!history.more() && member.position() == before) {
                        return member.position() >= history.seq() && !member.hasGap();
                    }
                }
                case ServerFrame.Reset reset -> member.reset(reset.seq());
                default -> {
                    resumeErrors.incrementAndGet();
                    return false;
                }
            }
        }
        return false;
    }

    /** The member's next send that is due, tried once more with its id; the answer decides what comes next. */
    private void send(Member member) {
        Instant now = clock.instant();
        Member.Send next = member.sends.stream().filter(s -> !s.notBefore.isAfter(now)).findFirst().orElseThrow();
        member.sends.remove(next);
        next.tries++;
        String connectionId = member.connectionId();
        ClientFrame.Send frame = new ClientFrame.Send(next.id, ROOM, next.data());
        sendInvocations.incrementAndGet();
        ServerFrame reply = invoke("send:" + next.id + "#" + next.tries, Scope.Kind.SEND,
                () -> send.handleRequest(event("send", member, connectionId, FrameCodec.encode(frame)), context));
        if (!connections.isOpen(connectionId)) {
            // The socket dropped before the answer reached it: the client sends again, same id, once reconnected.
            repliesLost.incrementAndGet();
            retryLater(member, next, now);
            return;
        }
        switch (reply) {
            case ServerFrame.Ack ack -> {
                Long first = acked.putIfAbsent(next.id, ack.seq());
                if (first != null && first.longValue() != ack.seq()) {
                    ackConflicts.add(next.id + " acknowledged as seq " + first + " and then as seq " + ack.seq());
                }
                if (ack.deferred() != null) {
                    deferredInAcks.addAndGet(ack.deferred());
                }
            }
            case ServerFrame.Error error -> {
                errored.add(next.id);
                sendErrors.get(error.code()).incrementAndGet();
                if (error.code().temporary() || error.code() == ErrorCode.UNKNOWN_CONNECTION
                        || error.code() == ErrorCode.NOT_IN_ROOM) {
                    retryLater(member, next, now);
                } else {
                    abandoned.add(next.id);
                }
            }
            default -> throw new AssertionError("a send was answered with " + reply);
        }
    }

    /** Backs off as the client library does (0.5 s, doubling, at most 16 s) or, after the last try, gives up. */
    private void retryLater(Member member, Member.Send failed, Instant now) {
        if (failed.tries >= MAX_SEND_TRIES) {
            abandoned.add(failed.id);
            return;
        }
        failed.notBefore = now.plus(Duration.ofMillis(Math.min(16_000, 500L << (failed.tries - 1))));
        member.sends.addLast(failed);
    }

    /** Sockets that dropped: the client notices, API Gateway may or may not send {@code $disconnect}. */
    private void settle(int round) {
        for (List<String> gone = connections.takeDropped(); !gone.isEmpty(); gone = connections.takeDropped()) {
            for (String connectionId : gone) {
                dropped.add(connectionId);
                Member member = owners.get(connectionId);
                if (connectionId.equals(member.connectionId())) {
                    member.state = Member.State.DROPPED;
                    member.reconnectAt = round + 1 + draws.below("offline/" + connectionId, 5);
                }
                if (draws.chance("disconnect/" + connectionId, 0.5)) {
                    disconnectsDelivered++;
                    Scope.run("disconnect:" + connectionId, Scope.Kind.OTHER, () -> disconnect.handleRequest(
                            event("disconnect", member, connectionId, null), context));
                }
            }
        }
        for (Member member : members) {
            for (String connectionId : member.connections) {
                for (FaultyConnections.Delivery delivery : connections.take(connectionId)) {
                    String text = new String(delivery.payload(), java.nio.charset.StandardCharsets.UTF_8);
                    if (FrameCodec.decodeServer(text).orElse(null) instanceof ServerFrame.Message message) {
                        member.accept(message, delivery.via() == Scope.Kind.FANOUT ? Member.Arrival.DEFERRED
                                : Member.Arrival.LIVE);
                    } else {
                        presenceFrames++;
                    }
                }
            }
        }
    }

    private void drain() {
        drains++;
        queue.drain(fanout, context, "drain " + drains);
        settle(rounds);
    }

    /** Every member still in the room resumes until it has everything; true when all have. */
    private boolean catchUp() {
        Map<Member, Boolean> caughtUp = new ConcurrentHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Member member : members) {
                if (member.state == Member.State.JOINED) {
                    threads.execute(() -> {
                        try {
                            caughtUp.put(member, resumeAll(member));
                        } catch (Throwable e) {
                            crashes.add(e);
                        }
                    });
                }
            }
        }
        settle(rounds);
        return members.stream().allMatch(m -> m.state == Member.State.JOINED && caughtUp.getOrDefault(m, false));
    }

    private ServerFrame invoke(String name, Scope.Kind kind,
                               Supplier<com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse> handler) {
        String body = Scope.run(name, kind, handler).getBody();
        return FrameCodec.decodeServer(body).orElseThrow(() -> new AssertionError("unreadable reply " + body));
    }

    /** A fixture event from this member's connection, with the authorizer context its token gave it. */
    private static APIGatewayV2WebSocketEvent event(String fixture, Member member, String connectionId, String body) {
        APIGatewayV2WebSocketEvent event = body == null ? Events.load(fixture) : Events.withBody(fixture, body);
        event.getRequestContext().setConnectionId(connectionId);
        Map<String, Object> authorizer = new HashMap<>(event.getRequestContext().getAuthorizer());
        authorizer.put("principalId", member.userId);
        authorizer.put("userId", member.userId);
        authorizer.put("capabilities", ROOM + "=jhps|");
        authorizer.remove("email");
        event.getRequestContext().setAuthorizer(authorizer);
        return event;
    }

    // What the run came to, for the test's assertions and the report.

    boolean converged() {
        return converged;
    }

    List<Throwable> crashes() {
        return List.copyOf(crashes);
    }

    List<String> ackConflicts() {
        return List.copyOf(ackConflicts);
    }

    Map<String, Long> acked() {
        return Map.copyOf(acked);
    }

    Set<String> abandoned() {
        return Set.copyOf(abandoned);
    }

    Set<String> errored() {
        return Set.copyOf(errored);
    }

    List<Member> members() {
        return List.copyOf(members);
    }

    List<String> droppedConnections() {
        return List.copyOf(dropped);
    }

    ConnectionStore storeAsItIs() {
        return cleanStore;
    }

    /** Every message the room's history holds now. */
    List<ServerFrame.Message> history() {
        return cleanHistory.after(ROOM, 0, 1_000_000, clock.instant());
    }

    long latestSeq() {
        return cleanHistory.counter(ROOM).latest();
    }

    FaultyStore store() {
        return store;
    }

    FaultyConnections connections() {
        return connections;
    }

    DrainableFanoutQueue queue() {
        return queue;
    }

    Settings settings() {
        return settings;
    }

    int sendInvocations() {
        return sendInvocations.get();
    }

    int repliesLost() {
        return repliesLost.get();
    }

    int deferredInAcks() {
        return deferredInAcks.get();
    }

    Map<ErrorCode, Integer> sendErrors() {
        Map<ErrorCode, Integer> nonZero = new EnumMap<>(ErrorCode.class);
        sendErrors.forEach((code, count) -> {
            if (count.get() > 0) {
                nonZero.put(code, count.get());
            }
        });
        return nonZero;
    }

    int refusedHandshakes() {
        return refusedHandshakes.get();
    }

    int joinErrors() {
        return joinErrors.get();
    }

    int resumeErrors() {
        return resumeErrors.get();
    }

    int resumes() {
        return resumes.get();
    }

    int disconnectsDelivered() {
        return disconnectsDelivered;
    }

    int presenceFrames() {
        return presenceFrames;
    }

    int rounds() {
        return rounds;
    }

    long millis() {
        return millis;
    }
}
