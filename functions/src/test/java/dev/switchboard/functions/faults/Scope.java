package dev.switchboard.functions.faults;

import java.util.function.Supplier;

/**
 * The handler invocation the current thread works for, named by what the simulation is doing ("send s-17, try 2"),
 * so that fault draws are keyed by the call rather than by timing. Inherited by the virtual threads a broadcast
 * starts, so a post knows which invocation made it.
 */
final class Scope {

    private static final InheritableThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();
    private static final Scope OUTSIDE = new Scope("outside", Kind.OTHER);

    /** What kind of invocation: a post made by a send's own broadcast is live, one by the fan-out worker deferred. */
    enum Kind { SEND, FANOUT, OTHER }

    private final String name;
    private final Kind kind;
    /** Store operations started so far in this invocation (guarded by this). */
    private int operations;

    private Scope(String name, Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    static <T> T run(String name, Kind kind, Supplier<T> body) {
        Scope previous = CURRENT.get();
        CURRENT.set(new Scope(name, kind));
        try {
            return body.get();
        } finally {
            CURRENT.set(previous);
        }
    }

    static Scope current() {
        Scope scope = CURRENT.get();
        return scope == null ? OUTSIDE : scope;
    }

    Kind kind() {
        return kind;
    }

    /**
     * The name of a store operation: the invocation's name and the operation's position in it. A first attempt
     * starts a new operation; a retry (the SDK's, on the same thread) continues the last one.
     */
    synchronized String operation(String operation, int attempt) {
        if (attempt <= 1) {
            operations++;
        }
        return name + "#" + operations + ":" + operation;
    }
}
