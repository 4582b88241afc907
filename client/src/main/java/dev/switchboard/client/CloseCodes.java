package dev.switchboard.client;

import java.net.http.WebSocket;

/** The WebSocket close codes (RFC 6455, section 7.4.1) the client sends or acts on. */
final class CloseCodes {

    /** The client is done with the connection ({@link SwitchboardClient#close()}). */
    static final int NORMAL_CLOSURE = WebSocket.NORMAL_CLOSURE;
    /** Never sent: stands for a socket that ended without a close frame (failed, or cut by the client). */
    static final int ABNORMAL_CLOSURE = 1006;
    /** The server refuses this client's behaviour: reconnecting would not change that, so the client stops. */
    static final int POLICY_VIOLATION = 1008;

    private CloseCodes() {
    }
}
