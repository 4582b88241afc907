package dev.switchboard.core;

import dev.switchboard.protocol.ApplicationRoutes;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The application's say in what connections do: optional synchronous hooks Switchboard consults on
 * {@code $connect} (after the authorizer), {@code join} and {@code send}. Each is a function of the application's
 * ({@link Invoker}); one that is not configured costs nothing: no call, no decision. A configured hook fails closed:
 * no answer in time, or a failure, refuses the frame ({@link HookDecision.Fail}); an answer that is not a valid
 * decision is a denial, with the reason logged.
 *
 * <pre>{@code
 * Hooks hooks = Hooks.invoking(null, onJoinInvoker, null, Clock.systemUTC());
 * hooks.hasOnJoin();   // true; hasOnSend() false: a send makes no call
 * }</pre>
 */
public final class Hooks {

    private static final Logger LOG = Logger.getLogger(Hooks.class.getName());
    /** What a denial says when the hook gives no reason. */
    static final String NO_REASON = "refused by the application";
    /** What a client is told of an answer that is not a valid decision (the details go to the log). */
    static final String GARBAGE = "the application's hook gave no valid answer";
    private static final Hooks NONE = new Hooks(null, null, null, Clock.systemUTC());

    private final Invoker onConnect;
    private final Invoker onJoin;
    private final Invoker onSend;
    private final Clock clock;

    private Hooks(Invoker onConnect, Invoker onJoin, Invoker onSend, Clock clock) {
        this.onConnect = onConnect;
        this.onJoin = onJoin;
        this.onSend = onSend;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** No hooks: nothing is ever called. */
    public static Hooks none() {
        return NONE;
    }

    /** The hooks given (null for one not configured). */
    public static Hooks invoking(Invoker onConnect, Invoker onJoin, Invoker onSend, Clock clock) {
        return new Hooks(onConnect, onJoin, onSend, clock);
    }

    public boolean hasOnConnect() {
        return onConnect != null;
    }

    public boolean hasOnJoin() {
        return onJoin != null;
    }

    public boolean hasOnSend() {
        return onSend != null;
    }

    /** Asks onConnect about a connection the authorizer let through; may attach attributes to it. */
    HookDecision onConnect(String connectionId, String userId, String sourceIp, Grant grant) {
        return decide("onConnect", onConnect,
                ExtensionJson.connectEvent(connectionId, userId, sourceIp, grant, clock.millis()), answer -> {
                    if (answer.attributes() != null
                            && FrameCodec.utf8Length(answer.attributes()) > ExtensionLimits.MAX_ATTRIBUTES_BYTES) {
                        return Optional.of("attributes larger than " + ExtensionLimits.MAX_ATTRIBUTES_BYTES + " bytes");
                    }
                    return Optional.empty();
                });
    }

    /** Asks onJoin whether the connection may join the room, given what its token grants there. */
    HookDecision onJoin(Connection connection, String room, Rights tokenRights) {
        return decide("onJoin", onJoin, ExtensionJson.joinEvent(connection, room, tokenRights, clock.millis()),
                answer -> {
                    for (String right : answer.rights() == null ? List.<String>of() : answer.rights()) {
                        Optional<RoomAction> action = RoomAction.byClaimName(right);
                        if (action.isEmpty() || action.get() == RoomAction.JOIN) {
                            return Optional.of("'" + ApplicationRoutes.sanitized(right) + "' is not a right a hook may"
                                    + " grant (history, presence, send)");
                        }
                    }
                    return Optional.empty();
                });
    }

    /** Asks onSend whether the message may go out, and with which data. */
    HookDecision onSend(String connectionId, String userId, String room, String id, String data) {
        return decide("onSend", onSend, ExtensionJson.sendEvent(connectionId, userId, room, id, data,
                clock.millis()), answer -> answer.data() != null
                && FrameCodec.utf8Length(answer.data()) > Limits.MAX_DATA_BYTES
                ? Optional.of("data larger than " + Limits.MAX_DATA_BYTES + " bytes") : Optional.empty());
    }

    /** A check of what one hook may answer beyond the common fields: the problem, or empty when none. */
    @FunctionalInterface
    private interface Check {
        Optional<String> problem(ExtensionJson.Answer answer);
    }

    private static HookDecision decide(String hook, Invoker invoker, String event, Check check) {
        Objects.requireNonNull(invoker, hook + " is not configured");
        return switch (invoker.invoke(event)) {
            case Invoked.Answered answered -> read(hook, answered.body(), check);
            case Invoked.TimedOut timedOut -> fail(hook, "did not answer in time");
            case Invoked.Failed failed -> fail(hook, failed.reason());
            case Invoked.Unreachable unreachable -> fail(hook, unreachable.reason());
        };
    }

    private static HookDecision read(String hook, String body, Check check) {
        ExtensionJson.Answer answer;
        try {
            answer = ExtensionJson.read(body);
        } catch (ExtensionJson.BadAnswer e) {
            return garbage(hook, e.getMessage());
        }
        if (answer.allow() == null) {
            return garbage(hook, "the answer has no 'allow'");
        }
        if (!answer.allow()) {
            String reason = answer.reason() == null || answer.reason().isBlank() ? NO_REASON
                    : ApplicationRoutes.sanitized(answer.reason());
            return new HookDecision.Deny(reason);
        }
        Optional<String> problem = check.problem(answer);
        if (problem.isPresent()) {
            return garbage(hook, problem.get());
        }
        Rights rights = answer.rights() == null ? Rights.NONE : Rights.named(answer.rights());
        return new HookDecision.Allow(rights, answer.data(), answer.attributes());
    }

    private static HookDecision garbage(String hook, String why) {
        LOG.warning(() -> hook + " hook answered no valid decision, taken as a denial: " + why);
        return new HookDecision.Deny(GARBAGE);
    }

    private static HookDecision fail(String hook, String why) {
        LOG.warning(() -> hook + " hook failed, so the frame is refused: " + why);
        return new HookDecision.Fail(why);
    }
}
