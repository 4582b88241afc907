package com.example.supportdesk;

/**
 * A request the desk refuses, with a code its callers can act on ({@code NOT_ASSIGNEE}, {@code NO_SUCH_TICKET},
 * {@code BAD_REQUEST}, ...). The handlers turn it into the answer their caller reads; nothing is changed when it is
 * thrown.
 */
public final class DeskException extends RuntimeException {

    private final String code;

    public DeskException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static DeskException badRequest(String message) {
        return new DeskException("BAD_REQUEST", message);
    }
}
