package dev.switchboard.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The route table: every WebSocket route Switchboard serves, with the kind of event API Gateway sends it.
 *
 * <p>This enum is the single source of truth. The CDK stack creates one API Gateway route (and one function)
 * per constant, the local emulator dispatches through it, and clients select routes by its keys. The handler
 * class behind each route is named beside the handlers ({@code dev.switchboard.functions.Handlers}), not here:
 * a client has no business with them.
 *
 * <pre>{@code
 * Route route = Route.select(body);          // $request.body.action, as API Gateway does
 * boolean twoWay = route.repliesToCaller();  // true for send
 * }</pre>
 */
public enum Route {
    CONNECT("$connect", Kind.CONNECT),
    DISCONNECT("$disconnect", Kind.DISCONNECT),
    DEFAULT("$default", Kind.MESSAGE),
    JOIN("join", Kind.MESSAGE),
    LEAVE("leave", Kind.MESSAGE),
    SEND("send", Kind.MESSAGE),
    PING("ping", Kind.MESSAGE),
    RESUME("resume", Kind.MESSAGE),
    PRESENCE("presence", Kind.MESSAGE),
    DIRECT("direct", Kind.MESSAGE),
    REFRESH("refresh", Kind.MESSAGE);

    /** API Gateway's route selection expression; the body's {@code action} value picks the route. */
    public static final String SELECTION_EXPRESSION = "$request.body.action";

    /** What API Gateway calls the event type of a route's invocations. */
    public enum Kind { CONNECT, MESSAGE, DISCONNECT }

    private static final Map<String, Route> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Route::key, Function.identity()));

    private final String key;
    private final Kind kind;

    Route(String key, Kind kind) {
        this.key = key;
        this.kind = kind;
    }

    /** The API Gateway route key, e.g. {@code $connect} or {@code send}. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** True for routes selected by a message body's {@code action}: not the three special {@code $} routes. */
    public boolean isAction() {
        return !key.startsWith("$");
    }

    /**
     * True when the route's Lambda result body is sent back to the caller as a frame
     * (API Gateway "two-way" route with a route response).
     */
    public boolean repliesToCaller() {
        return kind == Kind.MESSAGE;
    }

    public static Optional<Route> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    public static List<Route> actionRoutes() {
        return Arrays.stream(values()).filter(Route::isAction).toList();
    }

    /**
     * Selects the route for an incoming message body exactly as API Gateway does with
     * {@code $request.body.action}: an exact match of a string {@code action} on an action route, otherwise
     * {@code $default} (body not JSON, not an object, no {@code action}, or no route for it).
     */
    public static Route select(String body) {
        return FrameCodec.actionOf(body)
                .flatMap(Route::byKey)
                .filter(Route::isAction)
                .orElse(DEFAULT);
    }
}
