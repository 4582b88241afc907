package dev.switchboard.client.demo;

import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.SwitchboardClientOptions;
import dev.switchboard.protocol.ServerFrame;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two clients against a running stack: bob's network drops, alice sends while he is away, bob's network comes back
 * and he gets every message once, in order, the ones he missed by resume. {@code ./switchboard demo [ws-url]}
 * (default {@code ws://localhost:3001/local}, the local stack with auth off).
 *
 * <p>Bob stays offline until alice's messages are stored ({@link SwitchboardClient#dropConnection(
 * java.util.concurrent.CompletionStage)}), and the demo checks that he was: a message stored while bob was online
 * could have reached him live, which would show nothing of resume, so the demo then fails (exit status 1).
 */
public final class ResumeDemo implements AutoCloseable {

    static final String HELLO = "hello bob";
    static final List<String> WHILE_AWAY = List.of("while you were away #1", "while you were away #2",
            "while you were away #3");
    static final String WELCOME = "welcome back";
    /** Everything bob must get, in order, as the JSON strings alice sent. */
    static final List<String> EXPECTED = expected();

    private static final long TIMEOUT_SECONDS = 10;

    private final PrintStream out;
    private final String room = "demo-" + Long.toHexString(System.nanoTime());
    private final List<String> bobSaw = new CopyOnWriteArrayList<>();
    private final BlockingQueue<SwitchboardClient.State> bobStates = new LinkedBlockingQueue<>();
    private final List<String> storedWhileBobOnline = new ArrayList<>();
    private final SwitchboardClient alice;
    private final SwitchboardClient bob;

    ResumeDemo(URI url, PrintStream out) {
        this.out = out;
        SwitchboardClientOptions options = SwitchboardClientOptions.builder(url).build();
        this.alice = SwitchboardClient.create(options);
        this.bob = SwitchboardClient.create(options, new SwitchboardClient.Listener() {
            @Override
            public void onMessage(ServerFrame.Message message) {
                bobSaw.add(message.data());
                out.printf("  bob   <- seq %d %s%n", message.seq(), message.data());
            }

            @Override
            public void onStateChange(SwitchboardClient.State state) {
                out.println("  bob   is " + state);
                bobStates.add(state);
            }
        });
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args.length > 0 ? args[0] : "ws://localhost:3001/local");
        Verdict verdict;
        try (ResumeDemo demo = new ResumeDemo(url, System.out)) {
            verdict = demo.run();
        }
        if (!verdict.passed()) {
            System.err.println("FAILED: " + verdict.explain());
            System.exit(1);
        }
        System.out.println(verdict.explain());
    }

    /** The whole demo: hello, bob's network drops, alice sends, it comes back, welcome back. */
    Verdict run() throws Exception {
        start();
        say(HELLO);
        awaitBobSaw(1);

        out.println("-- bob's network drops --");
        CompletableFuture<Void> networkBack = new CompletableFuture<>();
        bob.dropConnection(networkBack);
        awaitBobState(SwitchboardClient.State.RECONNECTING);
        sendWhileAway();
        out.println("-- bob's network is back --");
        networkBack.complete(null);
        awaitBobState(SwitchboardClient.State.OPEN);

        say(WELCOME);
        awaitBobSaw(EXPECTED.size());
        return verdict();
    }

    void start() throws Exception {
        alice.connect().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        bob.connect().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        awaitBobState(SwitchboardClient.State.OPEN);
        alice.join(room).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        bob.join(room).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Alice sends the messages bob should miss. After each one is stored (its ack), bob's own client is asked
     * whether it is connected: if it is, he may have had the message live, and the verdict says so.
     */
    void sendWhileAway() throws Exception {
        for (String text : WHILE_AWAY) {
            say(text);
            if (bob.state() == SwitchboardClient.State.OPEN) {
                storedWhileBobOnline.add(text);
            }
        }
    }

    void say(String text) throws Exception {
        long seq = alice.sendText(room, text).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).seq();
        out.printf("  alice -> seq %d \"%s\"%n", seq, text);
    }

    void awaitBobSaw(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (bobSaw.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Waits until bob's listener has been told of {@code state} (so the lines print in the order they happen). */
    private void awaitBobState(SwitchboardClient.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        SwitchboardClient.State next;
        do {
            next = bobStates.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } while (next != null && next != state);
        if (next != null) {
            return;
        }
        throw new IllegalStateException("bob did not become " + state + " within " + TIMEOUT_SECONDS + " s");
    }

    Verdict verdict() {
        return new Verdict(List.copyOf(bobSaw), List.copyOf(storedWhileBobOnline));
    }

    @Override
    public void close() {
        bob.close();
        alice.close();
    }

    private static List<String> expected() {
        List<String> all = new ArrayList<>();
        all.add(HELLO);
        all.addAll(WHILE_AWAY);
        all.add(WELCOME);
        return all.stream().map(text -> "\"" + text + "\"").toList();
    }

    /**
     * What bob got, and which of alice's messages were stored while he was online.
     *
     * @param received             bob's messages' data, in the order his listener got them
     * @param storedWhileBobOnline messages that were meant for his absence but were stored while he was connected
     */
    record Verdict(List<String> received, List<String> storedWhileBobOnline) {

        /** Bob got all the messages once each, in order, and the ones sent while he was away by resume. */
        boolean passed() {
            return received.equals(EXPECTED) && storedWhileBobOnline.isEmpty();
        }

        String explain() {
            if (!storedWhileBobOnline.isEmpty()) {
                return "bob was back online before alice's " + storedWhileBobOnline + " were stored, so they may "
                        + "have reached him live: this run did not show resume";
            }
            if (!received.equals(EXPECTED)) {
                return "bob got " + received + " instead of " + EXPECTED;
            }
            return "bob got all " + EXPECTED.size() + " messages, once each, in order; the "
                    + WHILE_AWAY.size() + " sent while he was away by resume";
        }
    }
}
