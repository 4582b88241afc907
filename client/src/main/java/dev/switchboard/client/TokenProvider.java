package dev.switchboard.client;

import java.util.concurrent.CompletionStage;

/**
 * Where a {@link SwitchboardClient} gets its token: asked at every connect and reconnect (a token may expire while
 * the client waits to reconnect), and again ahead of the current token's expiry, for a fresh one to {@code refresh}
 * the connection with. Each call should return a token that is valid now, fetching a new one when the last has
 * expired or is about to; the client decodes the token's {@code exp} (without checking the signature) to know when
 * to refresh. A failed stage is reported to the listener's {@code onError} and asked again later.
 *
 * <pre>{@code
 * TokenProvider tokens = () -> http.sendAsync(tokenRequest, HttpResponse.BodyHandlers.ofString())
 *         .thenApply(HttpResponse::body);
 * SwitchboardClientOptions options = SwitchboardClientOptions.builder(url).tokenProvider(tokens).build();
 * }</pre>
 */
@FunctionalInterface
public interface TokenProvider {

    /**
     * A token valid now (a JWT; with {@code exp} when it expires). Called on the client's own thread: return a stage
     * that completes later rather than block.
     */
    CompletionStage<String> token();

    /**
     * Always the same token. A connection made with it is never refreshed (there is nothing fresher to refresh
     * with): once it expires the server closes the connection and the handshake refuses it, and the client stops.
     */
    static TokenProvider fixed(String token) {
        return new FixedToken(token);
    }
}
