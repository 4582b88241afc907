package dev.switchboard.functions.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.protocol.ServerFrame;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real handlers under failure: DynamoDB Local behind a proxy that fails a set fraction of requests
 * (throttling, 500s, timeouts before and after the write), and an {@code @connections} that answers 429 and 500 at
 * random and drops sockets (410). Members of one room send to it; what the application of each member sees is
 * checked against what the senders were told and what the store holds:
 * <ul>
 *   <li>every acknowledged message reaches every member (live, from the fan-out worker, or by resume): lost = 0;</li>
 *   <li>no member's application sees a message twice, or two messages for one send;</li>
 *   <li>a send acknowledged twice (a retry) is acknowledged with the same seq;</li>
 *   <li>a send that never got an ack stored no message and reached nobody;</li>
 *   <li>every dropped connection is gone from its room and its user's list (its own row too, unless the store
 *       failed that last step: then it is left to its TTL, and counted).</li>
 * </ul>
 * Seeded: the same seed draws the same faults for the same calls. Bigger or other runs take system properties
 * ({@code -Dfaults.seed=7 -Dfaults.sends=5000}; see docs/reliability.md).
 */
class FaultInjectionTest {

    private static final Pattern SEND_ID = Pattern.compile("s-\\d+");

    @Test
    void acknowledgedMessagesReachEveryMemberOnceAndFailedSendsLeaveNothing() {
        RoomSimulation.Settings settings = new RoomSimulation.Settings(
                Long.getLong("faults.seed", 20261203L),
                Integer.getInteger("faults.members", 50),
                Integer.getInteger("faults.sends", 100),
                Integer.getInteger("faults.concurrency", 8),
                Double.parseDouble(System.getProperty("faults.storeFaultRate", "0.10")),
                Double.parseDouble(System.getProperty("faults.outageRate", "0.01")),
                Double.parseDouble(System.getProperty("faults.postFaultRate", "0.10")),
                Double.parseDouble(System.getProperty("faults.dropRate", "0.001")));
        Path log = Path.of("target", "fault-injection", "seed-" + settings.seed() + ".log");
        RoomSimulation run = quietly(log, () -> new RoomSimulation(settings).run());
        Report report = new Report(run);
        System.out.println(report + "\n  log         " + log.toAbsolutePath());

        assertThat(run.crashes()).as("exceptions in the simulated clients").isEmpty();
        assertThat(run.converged()).as("every member caught up and the fan-out queue emptied\n" + report).isTrue();
        assertThat(report.unanswered).as("sends that never got a final answer").isEmpty();
        assertThat(run.ackConflicts()).as("a retried send acknowledged with another seq").isEmpty();
        assertThat(report.storedTwice).as("sends stored as more than one message").isEmpty();
        assertThat(report.ackedNotStored).as("acknowledged sends missing from the history, or under another seq")
                .isEmpty();
        assertThat(report.failedButStored).as("sends that got only errors yet stored a message").isEmpty();
        assertThat(report.lost).as("acknowledged messages some member's application never got").isZero();
        assertThat(report.duplicatesInView).as("messages a member's application got twice").isZero();
        assertThat(report.outOfOrder).as("members whose application saw seqs out of order").isEmpty();
        assertThat(report.failedButSeen).as("messages of failed sends that reached an application").isEmpty();
        assertThat(report.notPruned).as("dropped connections still in a room or their user's list").isEmpty();
        assertThat(report.staleMembers).as("room members that are no member's current connection").isEmpty();
    }

    /**
     * Runs the simulation with what the handlers print (a log line for each failure it provokes, metrics for each
     * invocation: tens of thousands of lines) sent to a file instead of the build's output.
     */
    private static <T> T quietly(Path log, Supplier<T> body) {
        PrintStream out = System.out;
        try {
            Files.createDirectories(log.getParent());
            try (PrintStream file = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
                System.setOut(file);
                return body.get();
            } finally {
                System.setOut(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The figures of one run, and what the assertions check, worked out once. */
    private static final class Report {
        final RoomSimulation run;
        final List<String> unanswered = new ArrayList<>();
        final List<String> storedTwice = new ArrayList<>();
        final List<String> ackedNotStored = new ArrayList<>();
        final List<String> failedButStored = new ArrayList<>();
        final List<String> failedButSeen = new ArrayList<>();
        final List<String> outOfOrder = new ArrayList<>();
        final List<String> notPruned = new ArrayList<>();
        final List<String> staleMembers = new ArrayList<>();
        final List<String> rowsLeftToTtl = new ArrayList<>();
        final Map<Member.Arrival, Integer> arrivals = new EnumMap<>(Member.Arrival.class);
        final int stored;
        final long latest;
        int lost;
        int duplicatesInView;
        int transportDuplicates;
        int resets;
        int retriedSends;

        Report(RoomSimulation run) {
            this.run = run;
            Map<String, Long> acked = run.acked();
            Set<String> abandoned = run.abandoned();
            for (Member member : run.members()) {
                member.sends.forEach(send -> unanswered.add(send.id));
            }
            List<ServerFrame.Message> history = run.history();
            stored = history.size();
            latest = run.latestSeq();
            Map<String, List<Long>> storedSeqs = new HashMap<>();
            Map<Long, ServerFrame.Message> bySeq = new HashMap<>();
            for (ServerFrame.Message message : history) {
                storedSeqs.computeIfAbsent(sendOf(message), id -> new ArrayList<>()).add(message.seq());
                bySeq.put(message.seq(), message);
            }
            storedSeqs.forEach((id, seqs) -> {
                if (seqs.size() > 1) {
                    storedTwice.add(id + " " + seqs);
                }
                if (!acked.containsKey(id)) {
                    failedButStored.add(id + (abandoned.contains(id) ? " (abandoned)" : " (never answered)"));
                }
            });
            acked.forEach((id, seq) -> {
                List<Long> seqs = storedSeqs.getOrDefault(id, List.of());
                if (!seqs.equals(List.of(seq))) {
                    ackedNotStored.add(id + " acknowledged as " + seq + ", stored as " + seqs);
                }
            });
            retriedSends = (int) run.errored().stream().filter(acked::containsKey).count();
            for (Member member : run.members()) {
                List<ServerFrame.Message> view = member.view();
                Set<String> seen = new HashSet<>();
                long previous = 0;
                for (ServerFrame.Message message : view) {
                    if (!seen.add(sendOf(message))) {
                        duplicatesInView++;
                    }
                    if (message.seq() <= previous) {
                        outOfOrder.add(member.userId + " saw " + message.seq() + " after " + previous);
                    }
                    previous = message.seq();
                    ServerFrame.Message stored = bySeq.get(message.seq());
                    if (stored == null || !stored.id().equals(message.id())) {
                        failedButSeen.add(member.userId + " saw " + sendOf(message) + " as seq " + message.seq()
                                + ", which the history holds as " + (stored == null ? "nothing" : sendOf(stored)));
                    }
                }
                for (String id : acked.keySet()) {
                    if (!seen.contains(id)) {
                        lost++;
                    }
                }
                transportDuplicates += member.duplicateReceipts();
                resets += member.resets();
                member.arrivals().values().forEach(way -> arrivals.merge(way, 1, Integer::sum));
            }
            ConnectionStore store = run.storeAsItIs();
            Set<String> roomMembers = new HashSet<>(store.members(RoomSimulation.ROOM));
            Set<String> current = run.members().stream().map(Member::connectionId).collect(Collectors.toSet());
            for (String connectionId : run.droppedConnections()) {
                String user = run.members().stream().filter(m -> m.connections.contains(connectionId))
                        .findFirst().orElseThrow().userId;
                List<String> left = new ArrayList<>();
                if (roomMembers.contains(connectionId)) {
                    left.add("membership");
                }
                if (store.connectionsOf(user).contains(connectionId)) {
                    left.add("user's list");
                }
                if (!left.isEmpty()) {
                    notPruned.add(connectionId + " " + left);
                } else if (store.find(connectionId).isPresent()) {
                    // Its listings went first; the store failed the last step, deleting the row. Nothing posts to
                    // it or counts it any more, and the row expires by TTL.
                    rowsLeftToTtl.add(connectionId);
                }
            }
            roomMembers.stream().filter(id -> !current.contains(id)).forEach(staleMembers::add);
        }

        private static String sendOf(ServerFrame.Message message) {
            Matcher matcher = SEND_ID.matcher(message.data());
            return matcher.find() ? matcher.group() : message.data();
        }

        @Override
        public String toString() {
            RoomSimulation.Settings s = run.settings();
            FaultyStore db = run.store();
            FaultyConnections api = run.connections();
            DrainableFanoutQueue queue = run.queue();
            int errors = run.sendErrors().values().stream().mapToInt(Integer::intValue).sum();
            return String.join("\n",
                    "fault injection: seed " + s.seed() + ", " + s.sends() + " sends to a room of " + s.members()
                            + " (" + s.concurrency() + " at once), store faults " + s.storeFaultRate()
                            + " of requests and " + s.outageRate() + " of operations, post faults " + s.postFaultRate() + ", drops " + s.dropRate() + " per post",
                    "  sends       " + s.sends() + " sent in " + run.sendInvocations() + " attempts; acknowledged "
                            + run.acked().size() + " (" + retriedSends + " after an error); errors returned "
                            + errors + " " + run.sendErrors() + "; answers lost with the socket "
                            + run.repliesLost() + "; abandoned " + run.abandoned().size(),
                    "  store       " + db.requests() + " requests for " + db.operations() + " operations; faults "
                            + db.faults() + " (throttled " + db.faults(FaultyStore.Fault.THROTTLED) + ", 500 "
                            + db.faults(FaultyStore.Fault.SERVER_ERROR) + ", timeout before "
                            + db.faults(FaultyStore.Fault.TIMEOUT) + ", timeout after the write "
                            + db.faults(FaultyStore.Fault.RESPONSE_LOST) + "); SDK retries " + db.retries()
                            + "; operations failed after the SDK's retries " + db.failedOperations(),
                    "  posts       " + api.posts() + " (" + (api.posts() - api.distinctPosts())
                            + " retries); 429 " + api.throttled() + ", 500 " + api.serverErrors() + " ("
                            + api.deliveredThenFailed() + " after delivering), 410 " + api.gone(),
                    "  deferred    " + queue.deferredRecipients() + " recipients (" + queue.deferredRecipients(1)
                            + " once, " + queue.deferredRecipients(2) + " twice, " + queue.deferredRecipients(3)
                            + " three times); in acks " + run.deferredInAcks() + "; jobs " + queue.jobs()
                            + ", redelivered " + queue.redelivered(),
                    "  arrivals    first live " + arrivals.getOrDefault(Member.Arrival.LIVE, 0) + ", deferred "
                            + arrivals.getOrDefault(Member.Arrival.DEFERRED, 0) + ", by resume "
                            + arrivals.getOrDefault(Member.Arrival.RESUME, 0) + "; frames received twice "
                            + transportDuplicates + "; resumes " + run.resumes() + " (" + run.resumeErrors()
                            + " errors); resets " + resets,
                    "  sockets     dropped " + run.droppedConnections().size() + " ($disconnect delivered "
                            + run.disconnectsDelivered() + "); handshakes refused " + run.refusedHandshakes()
                            + "; join errors " + run.joinErrors() + "; not pruned " + notPruned.size()
                            + " (connection rows left to their TTL " + rowsLeftToTtl.size() + ")",
                    "  history     " + stored + " messages stored, latest seq " + latest + " ("
                            + (latest - stored) + " seqs never stored)",
                    "  result      lost " + lost + ", duplicates in view " + duplicatesInView + ", failed sends "
                            + "stored " + failedButStored.size() + "; " + run.rounds() + " rounds, "
                            + run.millis() + " ms");
        }
    }
}
