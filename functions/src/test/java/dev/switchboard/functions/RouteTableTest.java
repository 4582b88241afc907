package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.switchboard.protocol.Route;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared route table names classes by string; each must exist here as a deployable Lambda handler. */
class RouteTableTest {

    @ParameterizedTest
    @EnumSource(Route.class)
    void everyRouteNamesADeployableHandler(Route route) throws Exception {
        assertDeployableHandler(route.handlerClass());
    }

    @Test
    void theAuthorizerNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Route.AUTHORIZER_CLASS);
    }

    @Test
    void theQueuePublisherNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Route.PUBLISHER_CLASS);
    }

    @Test
    void theFanoutWorkerNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Route.FANOUT_CLASS);
    }

    @Test
    void theApplicationRouteHandlerNamedByTheTableIsDeployable() throws Exception {
        assertDeployableHandler(Route.APPLICATION_ROUTE_CLASS);
    }

    private static void assertDeployableHandler(String className) throws Exception {
        Class<?> type = Class.forName(className);
        assertThat(RequestHandler.class).isAssignableFrom(type);
        assertThat(Modifier.isPublic(type.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers()))
                .as("Lambda instantiates %s through a public no-argument constructor", className).isTrue();
    }
}
