package dev.switchboard.core;

/**
 * Posts one payload to one connection (API Gateway: {@code POST @connections/{id}}). Blocking; the
 * {@link Broadcaster} calls it from many virtual threads at once, so implementations must be thread-safe.
 * Implementations translate their transport's failures into a {@link SendOutcome} rather than throwing.
 *
 * <pre>{@code
 * Sender sender = (connectionId, payload) -> SendOutcome.DELIVERED;
 * }</pre>
 */
@FunctionalInterface
public interface Sender {
    SendOutcome send(String connectionId, byte[] payload);
}
