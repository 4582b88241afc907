package dev.switchboard.server;

import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.ConnectionCloser;
import dev.switchboard.core.ConnectionProbe;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Sender;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.TokenBucket;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbIdempotencyStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.ManagementApiSender;
import dev.switchboard.functions.config.FunctionConfig;
import java.time.Clock;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The core a {@link ServerApi} calls, over the table and the gateway its builder chose. */
final class ServerWiring {

    private ServerWiring() {
    }

    /** @param gateway the stage's {@code @connections}, or null when the instance has no management endpoint */
    static Switchboard switchboard(FunctionConfig config, DynamoDbClient table, ApiGatewayManagementApiClient gateway,
                                   Clock clock) {
        ConnectionStore store = DynamoDbConnectionStore.create(table, config.tableName(), config.roomShards());
        Sender sender;
        ConnectionCloser closer;
        ConnectionProbe probe;
        if (gateway == null) {
            NoGateway none = new NoGateway();
            sender = none;
            closer = none;
            probe = none;
        } else {
            ManagementApiSender connections = new ManagementApiSender(gateway);
            sender = connections;
            closer = connections;
            probe = connections;
        }
        // Wired as the functions wire it, without a Lambda invocation's deadline or the fan-out queue (which
        // admits only the stack's own functions): a broadcast posts to every member from here.
        return Switchboard.builder()
                .store(store)
                .history(new DynamoDbRoomHistory(table, config.tableName()))
                .idempotency(new DynamoDbIdempotencyStore(table, config.tableName()))
                .broadcaster(new Broadcaster(sender, store, config.maxInFlight(), config.retryPolicy(),
                        RandomGenerator.getDefault(), config.maxPostsPerSecond() == 0 ? null
                                : TokenBucket.perSecond(config.maxPostsPerSecond(),
                                        Math.max(1, config.maxPostsPerSecond() / 10))))
                .settings(config.core())
                .policy(config.policy())
                .closer(closer)
                .probe(probe)
                .clock(clock)
                .build();
    }

    /**
     * Stands in for the gateway on an instance without a management endpoint; never reached, since every call that
     * would reach a connection is refused first.
     */
    private static final class NoGateway implements Sender, ConnectionCloser, ConnectionProbe {
        @Override
        public SendOutcome send(String connectionId, byte[] payload) {
            throw new IllegalStateException("no management endpoint");
        }

        @Override
        public void close(String connectionId) {
            throw new IllegalStateException("no management endpoint");
        }

        @Override
        public boolean isGone(String connectionId) {
            throw new IllegalStateException("no management endpoint");
        }
    }
}
