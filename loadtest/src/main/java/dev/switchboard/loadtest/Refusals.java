package dev.switchboard.loadtest;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerFrame;
import java.util.OptionalLong;

/** Reading the stack's "not now" answers in the benchmarks' clients, which retry their set-up as a client would. */
final class Refusals {

    /** Waited before retrying when an {@code OVERLOADED} answer names no time. */
    static final long DEFAULT_RETRY_AFTER_MS = 1_000;

    private Refusals() {
    }

    /** How long to wait before sending again if {@code text} is an {@code OVERLOADED} answer; empty otherwise. */
    static OptionalLong overloaded(String text) {
        if (!text.contains("\"OVERLOADED\"")) {
            return OptionalLong.empty();
        }
        try {
            return FrameCodec.decodeServer(text)
                    .filter(frame -> frame instanceof ServerFrame.Error e && e.code() == ErrorCode.OVERLOADED)
                    .map(frame -> ((ServerFrame.Error) frame).retryAfterMs())
                    .map(after -> OptionalLong.of(after == null ? DEFAULT_RETRY_AFTER_MS : after))
                    .orElse(OptionalLong.empty());
        } catch (ProtocolException e) {
            return OptionalLong.empty();
        }
    }
}
