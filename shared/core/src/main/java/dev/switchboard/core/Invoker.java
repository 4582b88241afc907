package dev.switchboard.core;

/**
 * Calls one of the application's functions: an application route's, or a hook's. JSON in, JSON out, within the
 * timeout the invoker was made with. Implementations: a Lambda function (AWS), a handler class on a classpath or an
 * HTTP URL (the local runtime). They never throw for what the function did or failed to do: every outcome is an
 * {@link Invoked}.
 *
 * <pre>{@code
 * Invoker typing = event -> new Invoked.Answered("{\"data\":{\"ok\":true}}");
 * typing.invoke("{\"version\":\"1\",\"route\":\"typing\"}");
 * }</pre>
 */
@FunctionalInterface
public interface Invoker {

    /** Invokes the function with an event; returns what came of it. */
    Invoked invoke(String eventJson);
}
