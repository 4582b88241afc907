package dev.switchboard.it;

import dev.switchboard.core.Capabilities;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.local.LocalTokens;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A deployed stack, from the stack outputs in environment variables:
 * {@code SWITCHBOARD_WS_URL}, {@code SWITCHBOARD_MANAGEMENT_ENDPOINT}, {@code AWS_REGION}; optionally
 * {@code SWITCHBOARD_JWT_SECRET} (the generated signing key, to mint test tokens) and {@code SWITCHBOARD_TABLE}
 * (to check the store). Credentials come from the default chain.
 */
final class AwsTarget implements Target {

    static final String WS_URL = "SWITCHBOARD_WS_URL";

    private final URI webSocketUrl = URI.create(require(WS_URL));
    private final URI managementEndpoint = URI.create(require("SWITCHBOARD_MANAGEMENT_ENDPOINT"));
    private final String region = require("AWS_REGION");
    private final Optional<String> secret = Optional.ofNullable(System.getenv("SWITCHBOARD_JWT_SECRET"));
    private final Optional<String> table = Optional.ofNullable(System.getenv("SWITCHBOARD_TABLE"));
    private final AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " must be set for the aws target");
        }
        return value;
    }

    @Override
    public URI webSocketUrl() {
        return webSocketUrl;
    }

    @Override
    public URI urlFor(String user) {
        return secret.map(s -> URI.create(webSocketUrl + "?token=" + LocalTokens.mint(s, user, Duration.ofHours(1))))
                .orElse(webSocketUrl);
    }

    @Override
    public Optional<String> tokenFor(String user, Capabilities capabilities, Duration lifetime) {
        return secret.map(key -> LocalTokens.mint(key, user, lifetime, capabilities));
    }

    @Override
    public Optional<URI> urlFor(String user, Capabilities capabilities, Duration lifetime) {
        return tokenFor(user, capabilities, lifetime).map(token -> URI.create(webSocketUrl() + "?token=" + token));
    }

    @Override
    public boolean authRequired() {
        return secret.isPresent();
    }

    @Override
    public URI managementEndpoint() {
        return managementEndpoint;
    }

    @Override
    public String region() {
        return region;
    }

    @Override
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    @Override
    public Optional<ConnectionStore> store() {
        return table.map(t -> DynamoDbConnectionStore.create(DynamoDbClient.builder().region(Region.of(region))
                .credentialsProvider(credentials).httpClient(AwsClients.httpClient()).build(), t));
    }

    @Override
    public Optional<URI> publishUrl() {
        return Optional.empty();
    }

    @Override
    public int broadcastClients() {
        return 50;
    }

    @Override
    public void close() {
        // Nothing to stop: the stack stays deployed.
    }
}
