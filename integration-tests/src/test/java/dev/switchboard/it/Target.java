package dev.switchboard.it;

import dev.switchboard.core.Capabilities;
import dev.switchboard.core.ConnectionStore;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where the end-to-end suite runs: the local stack (default), LocalStack, or a deployed stack. Each supplies
 * URLs and credentials; what a target cannot offer (e.g. direct store access) makes the tests that need it skip.
 */
public interface Target extends AutoCloseable {

    URI webSocketUrl();

    /** The WebSocket URL with a valid token for {@code user} (or plain, when the target runs without auth). */
    URI urlFor(String user);

    /**
     * The WebSocket URL with a token for {@code user} granting {@code capabilities} for {@code lifetime}; empty
     * where this suite cannot mint tokens for the target.
     */
    default Optional<URI> urlFor(String user, Capabilities capabilities, Duration lifetime) {
        return Optional.empty();
    }

    /** A bare token like the one {@link #urlFor(String, Capabilities, Duration)} puts in its URL. */
    default Optional<String> tokenFor(String user, Capabilities capabilities, Duration lifetime) {
        return Optional.empty();
    }

    /** Whether {@code $connect} requires a token. */
    boolean authRequired();

    URI managementEndpoint();

    String region();

    AwsCredentialsProvider credentials();

    /** The store behind the target, to check its state; empty when the suite cannot reach it. */
    Optional<ConnectionStore> store();

    /** The local publish endpoint (the SQS path's stand-in); empty where publishing goes through SQS. */
    Optional<URI> publishUrl();

    /** How many clients the broadcast test opens (keep deployed tests cheap). */
    default int broadcastClients() {
        return 200;
    }

    @Override
    void close();
}
