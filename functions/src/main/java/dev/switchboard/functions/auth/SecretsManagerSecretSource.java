package dev.switchboard.functions.auth;

import dev.switchboard.functions.aws.AwsClients;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Reads the HS256 secret from AWS Secrets Manager, once, when the authorizer's container starts. */
public final class SecretsManagerSecretSource implements JwtVerifier.SecretSource {

    private final SecretsManagerClient client;

    public SecretsManagerSecretSource(SecretsManagerClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    public static SecretsManagerSecretSource create() {
        return new SecretsManagerSecretSource(
                SecretsManagerClient.builder().httpClient(AwsClients.httpClient()).build());
    }

    @Override
    public String secret(String arn) {
        try {
            String value = client.getSecretValue(r -> r.secretId(arn)).secretString();
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("secret " + arn + " has no string value");
            }
            return value;
        } catch (SdkException e) {
            throw new IllegalStateException("could not read the JWT secret " + arn + ": " + e.getClass().getSimpleName(),
                    e);
        }
    }
}
