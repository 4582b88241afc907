package dev.switchboard.client;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link TokenProvider#fixed}: recognised by the client, which does not try to refresh with it. */
record FixedToken(String value) implements TokenProvider {

    FixedToken {
        Objects.requireNonNull(value, "token");
        if (value.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
    }

    @Override
    public CompletionStage<String> token() {
        return CompletableFuture.completedFuture(value);
    }

    /** Never shows the token: providers end up in logs and test reports. */
    @Override
    public String toString() {
        return "TokenProvider.fixed(" + value.length() + " characters)";
    }
}
