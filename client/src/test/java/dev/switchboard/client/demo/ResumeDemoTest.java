package dev.switchboard.client.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** {@code ./switchboard demo} against the real local stack (auth off, as the demo expects), in-process. */
class ResumeDemoTest {

    private static LocalRuntime stack;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @RepeatedTest(3)
    void bobGetsWhatHeMissedByResumeEveryTime() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ResumeDemo.Verdict verdict;
        try (ResumeDemo demo = new ResumeDemo(stack.webSocketUrl(), new PrintStream(printed, true,
                StandardCharsets.UTF_8))) {
            verdict = demo.run();
        }

        String transcript = printed.toString(StandardCharsets.UTF_8);
        assertThat(verdict.storedWhileBobOnline()).as(transcript).isEmpty();
        assertThat(verdict.received()).as(transcript).isEqualTo(ResumeDemo.EXPECTED);
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.explain()).contains("by resume");
        // As local/README.md shows it: offline while alice sends, back after, then the missed messages.
        assertThat(transcript).containsSubsequence("-- bob's network drops --", "bob   is RECONNECTING",
                "alice -> seq 2 \"while you were away #1\"", "alice -> seq 4 \"while you were away #3\"",
                "-- bob's network is back --", "bob   is OPEN", "bob   <- seq 2 \"while you were away #1\"",
                "bob   <- seq 4 \"while you were away #3\"");
        assertThat(transcript.indexOf("bob   <- seq 2")).as("nothing reached bob while he was offline")
                .isGreaterThan(transcript.indexOf("-- bob's network is back --"));
    }

    @Test
    void messagesStoredWhileBobIsOnlineFailTheDemo() throws Exception {
        ResumeDemo.Verdict verdict;
        try (ResumeDemo demo = new ResumeDemo(stack.webSocketUrl(), new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8))) {
            // The demo's steps without bob's drop: everything reaches him live.
            demo.start();
            demo.say(ResumeDemo.HELLO);
            demo.sendWhileAway();
            demo.say(ResumeDemo.WELCOME);
            demo.awaitBobSaw(ResumeDemo.EXPECTED.size());
            verdict = demo.verdict();
        }

        assertThat(verdict.received()).isEqualTo(ResumeDemo.EXPECTED);
        assertThat(verdict.storedWhileBobOnline()).isEqualTo(ResumeDemo.WHILE_AWAY);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explain()).contains("may have reached him live").contains("did not show resume");
    }

    @Test
    void aMissingOrRepeatedMessageFailsTheDemo() {
        List<String> missing = ResumeDemo.EXPECTED.subList(0, 4);
        List<String> repeated = new java.util.ArrayList<>(ResumeDemo.EXPECTED);
        repeated.add(2, ResumeDemo.EXPECTED.get(2));

        assertThat(new ResumeDemo.Verdict(missing, List.of()).passed()).isFalse();
        assertThat(new ResumeDemo.Verdict(repeated, List.of()).passed()).isFalse();
        assertThat(new ResumeDemo.Verdict(ResumeDemo.EXPECTED, List.of()).passed()).isTrue();
    }
}
