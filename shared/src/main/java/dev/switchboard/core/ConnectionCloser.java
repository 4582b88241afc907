package dev.switchboard.core;

/**
 * Closes a connection from the server side (API Gateway: {@code DELETE @connections/{id}}); the gateway then
 * delivers its {@code $disconnect}. Used when a connection's token has expired. Implementations translate their
 * transport's failures (an already closed connection included) into a log line, never an exception.
 *
 * <pre>{@code
 * ConnectionCloser closer = connectionId -> gateway.delete(connectionId);
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionCloser {
    void close(String connectionId);
}
