package dev.switchboard.local;

import dev.switchboard.protocol.CloseCodes;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open WebSocket connections by id: only connections whose {@code $connect} completed are here. */
final class Connections {

    private final Map<String, LocalConnection> open = new ConcurrentHashMap<>();

    void add(LocalConnection connection) {
        open.put(connection.id(), connection);
    }

    Optional<LocalConnection> find(String id) {
        return Optional.ofNullable(open.get(id)).filter(c -> c.channel().isActive());
    }

    boolean remove(LocalConnection connection) {
        return open.remove(connection.id(), connection);
    }

    /** The ids of the open connections. */
    Set<String> ids() {
        return Set.copyOf(open.keySet());
    }

    int size() {
        return open.size();
    }

    void closeAll() {
        for (LocalConnection connection : open.values()) {
            connection.closing(CloseCodes.GOING_AWAY, "Going away");
            connection.channel().writeAndFlush(new CloseWebSocketFrame(CloseCodes.GOING_AWAY, "Going away"));
            connection.channel().close();
        }
    }
}
