package dev.switchboard.core;

/**
 * Tells whether a connection the store lists is still open (API Gateway: {@code GET @connections/{id}}). Used when a
 * user is at the limit of open connections: a listed connection whose {@code $disconnect} never ran (API Gateway
 * delivers it on a best-effort basis) must not keep its user out. Implementations answer {@code false} whenever
 * they cannot tell, so only a connection surely gone is pruned.
 *
 * <pre>{@code
 * ConnectionProbe probe = connectionId -> gateway.get(connectionId).status() == 410;
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionProbe {
    boolean isGone(String connectionId);
}
