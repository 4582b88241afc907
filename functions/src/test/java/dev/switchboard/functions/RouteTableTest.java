package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRules;
import dev.switchboard.protocol.Route;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Handlers} names classes by string for the deployment; each must exist here as a deployable Lambda handler,
 * and {@link RouteHandlers}, which the local stack serves routes with, must build that same class.
 */
class RouteTableTest {

    @ParameterizedTest
    @EnumSource(Route.class)
    void everyRouteNamesADeployableHandler(Route route) throws Exception {
        assertDeployableHandler(Handlers.classOf(route));
    }

    @Test
    void theAuthorizerNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Handlers.AUTHORIZER);
    }

    @Test
    void theQueuePublisherNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Handlers.PUBLISHER);
    }

    @Test
    void theFanoutWorkerNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Handlers.FANOUT);
    }

    @Test
    void theConstantsNameTheHandlerClasses() {
        assertThat(Handlers.AUTHORIZER).isEqualTo(JwtAuthorizerHandler.class.getName());
        assertThat(Handlers.PUBLISHER).isEqualTo(PublishHandler.class.getName());
        assertThat(Handlers.FANOUT).isEqualTo(FanoutHandler.class.getName());
        assertThat(Handlers.APPLICATION_ROUTES).isEqualTo(ApplicationRouteHandler.class.getName());
    }

    @Test
    void routeHandlersAreUnique() {
        assertThat(Arrays.stream(Route.values()).map(Handlers::classOf).distinct()).hasSize(Route.values().length);
    }

    @Test
    void handlerNamesPointIntoTheFunctionsPackage() {
        assertThat(Handlers.classOf(Route.SEND)).isEqualTo("dev.switchboard.functions.SendHandler");
        assertThat(Handlers.lambdaHandler(Route.SEND))
                .isEqualTo("dev.switchboard.functions.SendHandler::handleRequest");
        assertThat(Handlers.lambdaHandler(Handlers.AUTHORIZER))
                .isEqualTo("dev.switchboard.functions.JwtAuthorizerHandler::handleRequest");
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void theLocalStackServesEachRouteWithTheDeployedClass(Route route) {
        Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open()).build().switchboard();
        JwtVerifier verifier = JwtVerifier.hs256("a-secret-of-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8),
                TokenRules.issuedBy("test"));
        assertThat(RouteHandlers.create(route, switchboard, verifier).getClass().getName())
                .isEqualTo(Handlers.classOf(route));
        assertThat(RouteHandlers.create(route, switchboard, null).getClass().getName())
                .isEqualTo(Handlers.classOf(route));
    }

    @Test
    void theEventsPublisherNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Handlers.EVENTS);
    }

    @Test
    void theApplicationRouteHandlerNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Handlers.APPLICATION_ROUTES);
    }

    private static void assertDeployableHandler(String className) throws Exception {
        Class<?> type = Class.forName(className);
        assertThat(RequestHandler.class).isAssignableFrom(type);
        assertThat(Modifier.isPublic(type.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers()))
                .as("Lambda instantiates %s through a public no-argument constructor", className).isTrue();
    }
}
