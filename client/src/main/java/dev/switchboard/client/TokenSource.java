package dev.switchboard.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The client's side of its {@link TokenProvider}: each call bounded in time and its answer checked. */
final class TokenSource {

    private final TokenProvider provider;
    private final Duration timeout;

    /** {@code provider} may be null: a stack without authentication. */
    TokenSource(TokenProvider provider, Duration timeout) {
        this.provider = provider;
        this.timeout = timeout;
    }

    /** Whether a connection's token can be replaced by a fresher one: not without a provider, nor with a fixed one. */
    boolean refreshes() {
        return provider != null && !(provider instanceof FixedToken);
    }

    boolean hasProvider() {
        return provider != null;
    }

    /** Asks the provider for a token (null without a provider); a provider that never answers times out. */
    CompletableFuture<String> fresh() {
        if (provider == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<String> stage;
        try {
            stage = Objects.requireNonNull(provider.token(), "the token provider returned no stage");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stage.toCompletableFuture().copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(value -> {
                    if (value == null || value.isBlank()) {
                        throw new IllegalStateException("the token provider returned no token");
                    }
                    return value;
                });
    }
}
