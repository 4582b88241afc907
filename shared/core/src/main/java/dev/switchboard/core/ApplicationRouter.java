package dev.switchboard.core;

import dev.switchboard.protocol.ApplicationFrame;
import dev.switchboard.protocol.ApplicationRoutes;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Serves application routes: actions the application adds ({@code typing}, {@code vote}), each answered by the
 * application's own function. A call is admitted as every frame is ({@link Switchboard#admit}: known connection,
 * quota, token expiry; the frame's size limits were checked when it was decoded), then the function receives the
 * connection's verified identity, capabilities and rooms with the call's {@code data}, and its answer becomes the
 * caller's {@code reply} (or {@code error}). Whatever the function does, the connection stays usable.
 *
 * <pre>{@code
 * ApplicationRouter router = new ApplicationRouter(switchboard, Map.of("typing", typingInvoker), Clock.systemUTC());
 * ServerFrame reply = router.call("abc=", ApplicationFrame.decode(body));   // reply, or error
 * }</pre>
 */
public final class ApplicationRouter {

    private static final Logger LOG = Logger.getLogger(ApplicationRouter.class.getName());
    private static final Pattern ERROR_CODE =
            Pattern.compile("[A-Za-z0-9_.:-]{1," + ApplicationRoutes.MAX_ERROR_CODE_LENGTH + "}");

    private final Switchboard switchboard;
    private final Map<String, Invoker> routes;
    private final Clock clock;

    /**
     * @param routes each application route's name and the invoker of its function; every name valid
     *               ({@link ApplicationRoutes#requireValid})
     */
    public ApplicationRouter(Switchboard switchboard, Map<String, Invoker> routes, Clock clock) {
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
        this.routes = Map.copyOf(routes);
        this.routes.keySet().forEach(ApplicationRoutes::requireValid);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The application routes served. */
    public Set<String> names() {
        return routes.keySet();
    }

    /** Serves one call: the function's answer as a {@code reply}, or an {@code error}. Never throws for the call. */
    public ServerFrame call(String connectionId, ApplicationFrame call) {
        Invoker invoker = routes.get(call.action());
        if (invoker == null) {
            return switchboard.refuse(connectionId, new ServerFrame.Error(ErrorCode.UNKNOWN_ACTION,
                    "no application route '" + call.action() + "'", call.id()));
        }
        Connection connection;
        switch (switchboard.admit(connectionId, call.id())) {
            case CallAdmission.Refused refused -> {
                return refused.refusal();
            }
            case CallAdmission.Admitted admitted -> connection = admitted.connection();
        }
        String event = ExtensionJson.routeEvent(connection, call.action(), call.id(), call.data(), clock.millis());
        return switch (invoker.invoke(event)) {
            case Invoked.Answered answered -> answer(call, answered.body());
            case Invoked.TimedOut timedOut -> {
                LOG.warning(() -> "application route " + call.action() + " timed out");
                yield new ServerFrame.Error(ErrorCode.APPLICATION_TIMEOUT,
                        "route '" + call.action() + "' did not answer in time; retry", call.id());
            }
            case Invoked.Unreachable unreachable -> {
                LOG.warning(() -> "application route " + call.action() + " unreachable: " + unreachable.reason());
                yield new ServerFrame.Error(ErrorCode.APPLICATION_TIMEOUT,
                        "route '" + call.action() + "' could not be reached; retry", call.id());
            }
            case Invoked.Failed failed -> {
                LOG.warning(() -> "application route " + call.action() + " failed: " + failed.reason());
                yield new ServerFrame.Error(ErrorCode.APPLICATION_ERROR,
                        "route '" + call.action() + "' failed", call.id());
            }
        };
    }

    /** The reply an answer makes: its data, its own error, or, for anything else, an error that says so. */
    private static ServerFrame answer(ApplicationFrame call, String body) {
        ExtensionJson.Answer answer;
        try {
            answer = ExtensionJson.read(body);
        } catch (ExtensionJson.BadAnswer e) {
            LOG.warning(() -> "application route " + call.action() + " answered garbage: " + e.getMessage());
            return garbage(call);
        }
        if (answer.errorCode() != null && answer.data() == null) {
            if (!ERROR_CODE.matcher(answer.errorCode()).matches()) {
                LOG.warning(() -> "application route " + call.action() + " answered an invalid error code");
                return garbage(call);
            }
            return new ServerFrame.Error(ErrorCode.APPLICATION_ERROR,
                    answer.errorCode() + ": " + ApplicationRoutes.sanitized(answer.error()), call.id());
        }
        if (answer.data() == null || answer.errorCode() != null) {
            LOG.warning(() -> "application route " + call.action() + " answered neither data nor error alone");
            return garbage(call);
        }
        if (FrameCodec.utf8Length(answer.data()) > Limits.MAX_DATA_BYTES) {
            LOG.warning(() -> "application route " + call.action() + " answered more than " + Limits.MAX_DATA_BYTES
                    + " bytes of data");
            return new ServerFrame.Error(ErrorCode.APPLICATION_ERROR,
                    "route '" + call.action() + "' answered more than the " + Limits.MAX_DATA_BYTES + " bytes a reply"
                            + " may carry", call.id());
        }
        return new ServerFrame.Reply(call.id(), call.action(), answer.data());
    }

    private static ServerFrame garbage(ApplicationFrame call) {
        return new ServerFrame.Error(ErrorCode.APPLICATION_ERROR,
                "route '" + call.action() + "' answered something that is not a valid answer", call.id());
    }
}
