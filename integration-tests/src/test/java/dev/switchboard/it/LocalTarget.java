package dev.switchboard.it;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The local stack, started in this JVM on a free port, with JWT auth on (as a deployment has it). */
final class LocalTarget implements Target {

    private final String secret = LocalTokens.newSecret();
    private final LocalRuntime stack =
            LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withJwtSecret(secret));
    private final ConnectionStore store = DynamoDbConnectionStore.create(AwsClients.dynamoDb(FunctionConfig.from(Map.of(
            EnvNames.TABLE_NAME, stack.table(),
            EnvNames.DYNAMODB_ENDPOINT, stack.dynamoDbEndpoint().toString())), credentials()), stack.table());

    @Override
    public URI webSocketUrl() {
        return stack.webSocketUrl();
    }

    @Override
    public URI urlFor(String user) {
        return URI.create(stack.webSocketUrl() + "?token=" + LocalTokens.mint(secret, user, Duration.ofHours(1)));
    }

    @Override
    public Optional<String> tokenFor(String user, Capabilities capabilities, Duration lifetime) {
        return Optional.of(secret).map(key -> LocalTokens.mint(key, user, lifetime, capabilities));
    }

    @Override
    public Optional<URI> urlFor(String user, Capabilities capabilities, Duration lifetime) {
        return tokenFor(user, capabilities, lifetime).map(token -> URI.create(webSocketUrl() + "?token=" + token));
    }

    @Override
    public boolean authRequired() {
        return true;
    }

    @Override
    public URI managementEndpoint() {
        return stack.managementEndpoint();
    }

    @Override
    public String region() {
        return "us-east-1";
    }

    @Override
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    @Override
    public Optional<ConnectionStore> store() {
        return Optional.of(store);
    }

    @Override
    public Optional<URI> publishUrl() {
        return Optional.of(stack.publishUrl());
    }

    @Override
    public void close() {
        stack.close();
    }
}
