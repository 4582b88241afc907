package dev.switchboard.core;

/**
 * Closes a connection from the server side (API Gateway: {@code DELETE @connections/{id}}); the gateway then
 * delivers its {@code $disconnect}. Used when a connection's token has expired, and by the server side's disconnect.
 * Implementations translate their transport's failures (an already closed connection included) into a log line or
 * an outcome, never an exception.
 *
 * <pre>{@code
 * ConnectionCloser closer = connectionId -> gateway.delete(connectionId);
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionCloser {
    void close(String connectionId);

    /**
     * Closes the connection and tells how that went, for a caller that acts on the answer: the server side's
     * disconnect keeps the records of a connection it could not close, so that a retry finds the connection again.
     * An implementation that cannot tell keeps this default, which reports every close as done.
     */
    default CloseOutcome attemptClose(String connectionId) {
        close(connectionId);
        return CloseOutcome.CLOSED;
    }
}
