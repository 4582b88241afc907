package dev.switchboard.client;

import dev.switchboard.protocol.ClientFrame;
import java.time.Duration;

/** Pings an open connection at a fixed rate, so API Gateway does not close it as idle (after 10 minutes). */
final class Heartbeat {

    private Heartbeat() {
    }

    static void start(Duration every, ClientLoop loop, Connection connection, PendingRequests requests,
                      ClientIds ids) {
        loop.every(every, () -> {
            if (connection.isOpen()) {
                requests.request(new ClientFrame.Ping(ids.next()), true);
            }
        });
    }
}
