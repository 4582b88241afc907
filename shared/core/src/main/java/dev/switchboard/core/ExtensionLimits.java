package dev.switchboard.core;

import java.time.Duration;

/**
 * The defaults and bounds of the application's extensions (application routes and hooks), in one place: the CDK
 * props, the functions' configuration and the local runtime's flags all read them here.
 */
public final class ExtensionLimits {

    /** How long a hook may take unless configured otherwise: it sits in the path of a join, a send or a connect. */
    public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(3);
    /** The longest a hook may be given: a client waits for it on every join or send. */
    public static final Duration MAX_HOOK_TIMEOUT = Duration.ofSeconds(10);
    /** How long an application route's function may take unless configured otherwise. */
    public static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest an application route's function may be given: what remains of API Gateway's 29 s integration
     * timeout once the route's own function has admitted the frame and started the call.
     */
    public static final Duration MAX_ROUTE_TIMEOUT = Duration.ofSeconds(25);
    /** The shortest timeout either may be given. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    /**
     * Most bytes of the attributes an onConnect hook attaches to a connection: they are stored on its record and
     * sent with every application route event.
     */
    public static final int MAX_ATTRIBUTES_BYTES = 2 * 1024;

    private ExtensionLimits() {
    }

    /**
     * A hook's timeout, checked against its bounds.
     *
     * @throws IllegalArgumentException naming the bounds
     */
    public static Duration requireHookTimeout(Duration timeout) {
        return within(timeout, MAX_HOOK_TIMEOUT, "hook timeout");
    }

    /**
     * An application route's timeout, checked against its bounds.
     *
     * @throws IllegalArgumentException naming the bounds
     */
    public static Duration requireRouteTimeout(Duration timeout) {
        return within(timeout, MAX_ROUTE_TIMEOUT, "application route timeout");
    }

    private static Duration within(Duration timeout, Duration max, String what) {
        if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + MIN_TIMEOUT.toMillis() + " and "
                    + max.toMillis() + " ms, was " + (timeout == null ? "none" : timeout.toMillis() + " ms"));
        }
        return timeout;
    }
}
