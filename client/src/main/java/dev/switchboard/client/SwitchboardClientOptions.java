package dev.switchboard.client;

import dev.switchboard.protocol.Limits;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a {@link SwitchboardClient}: where it connects, where its tokens come from, and its timeouts,
 * heartbeat and backoff, each with a {@code DEFAULT_*} constant. Immutable; made with {@link #builder(URI)}, which
 * checks the settings in {@link Builder#build()}.
 *
 * <pre>{@code
 * SwitchboardClientOptions options = SwitchboardClientOptions.builder(URI.create("wss://example.com/prod"))
 *         .tokenProvider(tokens)
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 */
public final class SwitchboardClientOptions {

    /** How long a request waits for its reply before it is sent again (a {@code send}) or fails. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How often the client pings an idle connection. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(5);
    /** API Gateway closes a connection idle this long: the heartbeat must be shorter. */
    public static final Duration MAX_HEARTBEAT = Limits.IDLE_TIMEOUT;
    /** How long messages may wait behind a gap before the client asks the server for the missing ones. */
    public static final Duration DEFAULT_GAP_TIMEOUT = Duration.ofSeconds(1);
    /** The ceiling of the first reconnect's random wait; it doubles with every failed attempt. */
    public static final Duration DEFAULT_RECONNECT_BACKOFF_BASE = Duration.ofMillis(250);
    /** The longest ceiling of a reconnect's random wait. */
    public static final Duration DEFAULT_RECONNECT_BACKOFF_CAP = Duration.ofSeconds(30);
    /** How many times a {@code send} (or a request the server refused undone) goes out before it fails. */
    public static final int DEFAULT_MAX_SEND_ATTEMPTS = 5;

    private final URI url;
    private final TokenProvider tokenProvider;
    private final boolean tokenInHeader;
    private final Duration requestTimeout;
    private final Duration heartbeat;
    private final Duration gapTimeout;
    private final Duration reconnectBackoffBase;
    private final Duration reconnectBackoffCap;
    private final int maxSendAttempts;

    private SwitchboardClientOptions(Builder builder) {
        this.url = builder.url;
        this.tokenProvider = builder.tokenProvider;
        this.tokenInHeader = builder.tokenInHeader;
        this.requestTimeout = builder.requestTimeout;
        this.heartbeat = builder.heartbeat;
        this.gapTimeout = builder.gapTimeout;
        this.reconnectBackoffBase = builder.reconnectBackoffBase;
        this.reconnectBackoffCap = builder.reconnectBackoffCap;
        this.maxSendAttempts = builder.maxSendAttempts;
    }

    /** Options for a client of the WebSocket API at {@code url} ({@code ws://} or {@code wss://}). */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    public URI url() {
        return url;
    }

    /** Where tokens come from; empty for a stack without authentication. */
    public Optional<TokenProvider> tokenProvider() {
        return Optional.ofNullable(tokenProvider);
    }

    /** Whether the token goes in an {@code Authorization: Bearer} header rather than the query string. */
    public boolean tokenInHeader() {
        return tokenInHeader;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    public Duration gapTimeout() {
        return gapTimeout;
    }

    public Duration reconnectBackoffBase() {
        return reconnectBackoffBase;
    }

    public Duration reconnectBackoffCap() {
        return reconnectBackoffCap;
    }

    public int maxSendAttempts() {
        return maxSendAttempts;
    }

    /** Settings of a {@link SwitchboardClient}, checked by {@link #build()}. */
    public static final class Builder {
        private final URI url;
        private TokenProvider tokenProvider;
        private boolean tokenInHeader;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private Duration gapTimeout = DEFAULT_GAP_TIMEOUT;
        private Duration reconnectBackoffBase = DEFAULT_RECONNECT_BACKOFF_BASE;
        private Duration reconnectBackoffCap = DEFAULT_RECONNECT_BACKOFF_CAP;
        private int maxSendAttempts = DEFAULT_MAX_SEND_ATTEMPTS;

        private Builder(URI url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * One JWT for every {@code $connect}, sent as the {@code token} query parameter (what browsers can do too).
         * It is never refreshed: for connections that outlive a token, use {@link #tokenProvider}.
         */
        public Builder token(String value) {
            this.tokenProvider = TokenProvider.fixed(value);
            return this;
        }

        /**
         * Where fresh tokens come from: asked at every connect and reconnect, and ahead of each token's expiry to
         * refresh the connection (at 80 % of its remaining lifetime, and at least 5 seconds before it expires).
         */
        public Builder tokenProvider(TokenProvider value) {
            this.tokenProvider = Objects.requireNonNull(value, "tokenProvider");
            return this;
        }

        /** Sends the token as {@code Authorization: Bearer} instead of in the query string. */
        public Builder tokenInHeader() {
            this.tokenInHeader = true;
            return this;
        }

        /** Default {@link #DEFAULT_REQUEST_TIMEOUT}; also bounds the handshake and each call to the token provider. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** How often to ping; default {@link #DEFAULT_HEARTBEAT}, and under {@link #MAX_HEARTBEAT}. */
        public Builder heartbeat(Duration value) {
            this.heartbeat = value;
            return this;
        }

        /** Default {@link #DEFAULT_GAP_TIMEOUT}. */
        public Builder gapTimeout(Duration value) {
            this.gapTimeout = value;
            return this;
        }

        /**
         * Backoff of reconnects, and of retries of a failed token refresh or a refused request: before attempt
         * {@code n} a random wait in {@code [0, min(cap, base * 2^n)]}. Defaults
         * {@link #DEFAULT_RECONNECT_BACKOFF_BASE} and {@link #DEFAULT_RECONNECT_BACKOFF_CAP}.
         */
        public Builder reconnectBackoff(Duration base, Duration cap) {
            this.reconnectBackoffBase = base;
            this.reconnectBackoffCap = cap;
            return this;
        }

        /** Default {@link #DEFAULT_MAX_SEND_ATTEMPTS}; at least 1. */
        public Builder maxSendAttempts(int value) {
            this.maxSendAttempts = value;
            return this;
        }

        /** The options, once every setting is checked. */
        public SwitchboardClientOptions build() {
            String scheme = url.getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("url must be ws:// or wss://, not " + url);
            }
            requirePositive(requestTimeout, "requestTimeout");
            requirePositive(heartbeat, "heartbeat");
            if (heartbeat.compareTo(MAX_HEARTBEAT) >= 0) {
                throw new IllegalArgumentException("heartbeat must be under API Gateway's " + MAX_HEARTBEAT.toMinutes()
                        + "-minute idle timeout");
            }
            requirePositive(gapTimeout, "gapTimeout");
            requirePositive(reconnectBackoffBase, "reconnectBackoff base");
            Objects.requireNonNull(reconnectBackoffCap, "reconnectBackoff cap");
            if (reconnectBackoffCap.compareTo(reconnectBackoffBase) < 0) {
                throw new IllegalArgumentException("reconnectBackoff needs base <= cap");
            }
            if (maxSendAttempts < 1) {
                throw new IllegalArgumentException("maxSendAttempts must be at least 1");
            }
            return new SwitchboardClientOptions(this);
        }

        private static void requirePositive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }
}
