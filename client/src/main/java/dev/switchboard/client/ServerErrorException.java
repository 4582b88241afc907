package dev.switchboard.client;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;

/**
 * The server refused: an {@code error} frame answered a request (its code, message and whether it is temporary),
 * or a refreshed token took a room away.
 */
public final class ServerErrorException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public ServerErrorException(ErrorCode code, String message, boolean temporary) {
        super(code, message, temporary);
    }

    /** The failure an error frame stands for. */
    static ServerErrorException of(ServerFrame.Error error) {
        return new ServerErrorException(error.code(), error.message(), error.temporary());
    }
}
