package dev.switchboard.local;

import dev.switchboard.protocol.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the emulated API Gateway behaves. Defaults are AWS's: 10 minutes idle, 2 hours per connection, 32 KB
 * frames, 128 KB messages; {@code postLatency} (zero by default) delays each {@code @connections} answer as the
 * network to API Gateway would. {@code allowedHosts} and {@code allowedOrigins} add to the names and web origins
 * the gateway serves besides this machine's own ({@link LocalAccess}).
 *
 * <pre>{@code
 * EmulatorConfig config = EmulatorConfig.builder().port(0).stage("local").build();
 * }</pre>
 */
public record EmulatorConfig(String host, int port, String stage, Duration idleTimeout, Duration maxLifetime,
                             int maxFrameBytes, int maxMessageBytes, Duration postLatency, List<String> allowedHosts,
                             List<String> allowedOrigins) {

    public EmulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(postLatency, "postLatency");
        if (postLatency.isNegative()) {
            throw new IllegalArgumentException("postLatency must not be negative");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (!stage.matches("[A-Za-z0-9_-]{1,128}")) {
            throw new IllegalArgumentException("stage must be 1-128 letters, digits, '-' or '_'");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxFrameBytes < 1 || maxMessageBytes < maxFrameBytes) {
            throw new IllegalArgumentException("need 0 < maxFrameBytes <= maxMessageBytes");
        }
        allowedHosts = allowedHosts.stream().map(LocalAccess::hostName).toList();
        allowedOrigins = allowedOrigins.stream().map(LocalAccess::normalizeOrigin).toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EmulatorConfig}; every setting has AWS's default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 3001;
        private String stage = "local";
        private Duration idleTimeout = Limits.IDLE_TIMEOUT;
        private Duration maxLifetime = Limits.MAX_CONNECTION_LIFETIME;
        private int maxFrameBytes = Limits.MAX_FRAME_BYTES;
        private int maxMessageBytes = Limits.MAX_MESSAGE_BYTES;
        private Duration postLatency = Duration.ZERO;
        private List<String> allowedHosts = List.of();
        private List<String> allowedOrigins = List.of();

        private Builder() {
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder stage(String value) {
            stage = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder maxLifetime(Duration value) {
            maxLifetime = value;
            return this;
        }

        public Builder maxFrameBytes(int value) {
            maxFrameBytes = value;
            return this;
        }

        public Builder maxMessageBytes(int value) {
            maxMessageBytes = value;
            return this;
        }

        public Builder postLatency(Duration value) {
            postLatency = value;
            return this;
        }

        /** Host names the gateway answers to besides localhost, 127.0.0.1, [::1] and its listening address. */
        public Builder allowedHosts(List<String> value) {
            allowedHosts = List.copyOf(value);
            return this;
        }

        /** Web origins whose pages may use the gateway besides its own ({@code http://localhost:<port>} ...). */
        public Builder allowedOrigins(List<String> value) {
            allowedOrigins = List.copyOf(value);
            return this;
        }

        public EmulatorConfig build() {
            return new EmulatorConfig(host, port, stage, idleTimeout, maxLifetime, maxFrameBytes, maxMessageBytes,
                    postLatency, allowedHosts, allowedOrigins);
        }
    }
}
