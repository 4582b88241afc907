package dev.switchboard.client.demo;

import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Two clients against a running stack: bob's connection drops, alice sends while he is away, bob reconnects and
 * gets every message once, in order. {@code ./switchboard demo [ws-url]} (default {@code ws://localhost:3001/local},
 * the local stack with auth off).
 */
public final class ResumeDemo {

    private ResumeDemo() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args.length > 0 ? args[0] : "ws://localhost:3001/local");
        String room = "demo-" + Long.toHexString(System.nanoTime());
        List<String> bobSaw = new CopyOnWriteArrayList<>();
        try (SwitchboardClient alice = SwitchboardClient.builder(url).build();
             SwitchboardClient bob = SwitchboardClient.builder(url).listener(new SwitchboardClient.Listener() {
                 @Override
                 public void onMessage(ServerFrame.Message message) {
                     bobSaw.add(message.data());
                     System.out.printf("  bob   <- seq %d %s%n", message.seq(), message.data());
                 }

                 @Override
                 public void onStateChange(SwitchboardClient.State state) {
                     System.out.println("  bob   is " + state);
                 }
             }).build()) {
            alice.connect().get(10, TimeUnit.SECONDS);
            bob.connect().get(10, TimeUnit.SECONDS);
            alice.join(room).get(10, TimeUnit.SECONDS);
            bob.join(room).get(10, TimeUnit.SECONDS);
            List<String> expected = List.of("\"hello bob\"", "\"while you were away #1\"",
                    "\"while you were away #2\"", "\"while you were away #3\"", "\"welcome back\"");
            say(alice, room, "hello bob");
            waitFor(bobSaw, 1);

            System.out.println("-- bob's network drops --");
            bob.dropConnection();
            for (int i = 1; i <= 3; i++) {
                say(alice, room, "while you were away #" + i);
            }
            say(alice, room, "welcome back");
            waitFor(bobSaw, 5);
            boolean ok = bobSaw.equals(expected);
            System.out.println(ok ? "bob got all 5 messages, once each, in order" : "bob got " + bobSaw);
            if (!ok) {
                System.exit(1);
            }
        }
    }

    private static void say(SwitchboardClient alice, String room, String text) throws Exception {
        long seq = alice.sendText(room, text).get(10, TimeUnit.SECONDS).seq();
        System.out.printf("  alice -> seq %d \"%s\"%n", seq, text);
    }

    private static void waitFor(List<String> received, int count) throws InterruptedException {
        for (int i = 0; i < 200 && received.size() < count; i++) {
            Thread.sleep(50);
        }
    }
}
