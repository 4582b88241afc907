package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.protocol.Route;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * In AWS a storm of {@code $disconnect}s does not hold up new connections: Lambda runs them side by side. The
 * emulator bounds its invocations, so it keeps {@code $disconnect}s in a lane of their own: with more of them stuck
 * than all its invocations together may run, a new socket still connects and its messages are still routed.
 */
class InvocationLanesTest {

    @Test
    void newConnectionsAndRoutesAreServedWhileDisconnectsAreStuck() throws IOException, InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger disconnectsStarted = new AtomicInteger();
        AtomicInteger disconnectsDone = new AtomicInteger();
        Integrations integrations = Integrations.builder()
                .route(Route.CONNECT, json -> "{\"statusCode\":200}")
                .route(Route.JOIN, json -> "{\"statusCode\":200,\"body\":\"joined\"}")
                .route(Route.DISCONNECT, json -> {
                    disconnectsStarted.incrementAndGet();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    disconnectsDone.incrementAndGet();
                    return "{\"statusCode\":200}";
                })
                .build();
        int storm = GatewayServer.MAX_CONCURRENT_INVOCATIONS + 8;
        GatewayServer gateway = GatewayServer.start(EmulatorConfig.builder().port(0).build(), integrations);
        try {
            List<RawWebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < storm; i++) {
                sockets.add(new RawWebSocket(gateway.webSocketUrl()));
            }
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> disconnectsStarted.get()
                    >= GatewayServer.MAX_CONCURRENT_DISCONNECTS);

            try (TestSocket late = TestSocket.open(gateway.webSocketUrl())) {
                assertThat(late.send("{\"action\":\"join\",\"room\":\"r\"}").next()).isEqualTo("joined");
            }
            assertThat(disconnectsDone.get()).as("every $disconnect was still stuck meanwhile").isZero();

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> disconnectsDone.get() == storm + 1);
        } finally {
            release.countDown();
            gateway.close();
        }
    }
}
