package dev.switchboard.functions.config;

/** A function's environment is missing or has an invalid setting; the function cannot start. */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
