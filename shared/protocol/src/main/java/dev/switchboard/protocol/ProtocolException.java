package dev.switchboard.protocol;

/** A client frame that cannot be served, with the error code to answer it with. */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String frameId;

    public ProtocolException(ErrorCode code, String message, String frameId) {
        super(message);
        this.code = code;
        this.frameId = frameId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The client's {@code id} of the offending frame, when it could be read; else null. */
    public String frameId() {
        return frameId;
    }

    /** The {@code error} frame to send back for this failure. */
    public ServerFrame.Error toFrame() {
        return new ServerFrame.Error(code, getMessage(), frameId);
    }
}
