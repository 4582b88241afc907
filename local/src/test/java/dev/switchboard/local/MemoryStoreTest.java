package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local stack with {@code --store memory}: the same handlers and protocol, state kept in memory. */
class MemoryStoreTest {

    private static LocalRuntime stack;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.parse("--port", "0", "--store", "memory"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void roomsHistoryAndResumeWorkWithoutDynamoDb() {
        assertThat(stack.usesDynamoDb()).isFalse();
        assertThatThrownBy(stack::dynamoDbEndpoint).hasMessageContaining("in memory");

        try (TestSocket alice = TestSocket.open(stack.webSocketUrl());
             TestSocket bob = TestSocket.open(stack.webSocketUrl())) {
            alice.send("{\"action\":\"join\",\"room\":\"mem\",\"id\":\"j1\"}").next("\"ack\"");
            bob.send("{\"action\":\"join\",\"room\":\"mem\",\"id\":\"j2\"}").next("\"ack\"");
            alice.send("{\"action\":\"send\",\"room\":\"mem\",\"data\":\"one\",\"id\":\"s1\"}");
            alice.send("{\"action\":\"send\",\"room\":\"mem\",\"data\":\"two\",\"id\":\"s2\"}");
            assertThat(bob.next("\"one\"")).contains("\"seq\":1");
            assertThat(bob.next("\"two\"")).contains("\"seq\":2");
        }
        try (TestSocket late = TestSocket.open(stack.webSocketUrl())) {
            String history = late.send("{\"action\":\"join\",\"room\":\"mem\",\"after\":1,\"id\":\"r\"}")
                    .next("\"history\"");
            assertThat(history).contains("\"two\"").doesNotContain("\"one\"");
        }
    }
}
