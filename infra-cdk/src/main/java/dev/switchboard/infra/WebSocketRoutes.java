package dev.switchboard.infra;

import dev.switchboard.protocol.Route;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.CfnAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRoute;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.lambda.IFunction;

/**
 * Every route of {@link Route} on the API, each integrated with its function's alias (two-way where the handler
 * replies), and the JWT authorizer on {@code $connect}, the only route API Gateway authorizes. The routes are made
 * by the API itself, in its scope, so their logical ids follow from the route keys.
 *
 * <pre>{@code
 * new WebSocketRoutes(new WebSocketRoutes.Props(api, aliases, authorizerAlias, auth.tokenSource()));
 * }</pre>
 */
final class WebSocketRoutes {

    /**
     * @param api         the API the routes are added to
     * @param handlers    each route's function (its alias), for every route of {@link Route}
     * @param authorizer  the authorizer function (its alias)
     * @param tokenSource where API Gateway insists on finding a token before it calls the authorizer
     */
    record Props(WebSocketApi api, Map<Route, IFunction> handlers, IFunction authorizer,
                 AuthSettings.TokenSource tokenSource) {
        Props {
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(authorizer, "authorizer");
            Objects.requireNonNull(tokenSource, "tokenSource");
            handlers = new EnumMap<>(handlers);
            for (Route route : Route.values()) {
                if (!handlers.containsKey(route)) {
                    throw new IllegalArgumentException("no function for route " + route.key());
                }
            }
        }
    }

    private final Map<Route, WebSocketRoute> routes = new EnumMap<>(Route.class);

    WebSocketRoutes(Props props) {
        WebSocketLambdaAuthorizer authorizer = new WebSocketLambdaAuthorizer("JwtAuthorizer", props.authorizer(),
                WebSocketLambdaAuthorizerProps.builder()
                        .identitySource(props.tokenSource().identitySource().map(List::of).orElse(List.of()))
                        .build());
        for (Route route : Route.values()) {
            WebSocketRouteOptions.Builder options = WebSocketRouteOptions.builder()
                    .integration(new WebSocketLambdaIntegration(SwitchboardStack.constructName(route) + "Integration",
                            props.handlers().get(route)))
                    // The handlers return the reply frame as the integration response body: two-way routes.
                    .returnResponse(route.repliesToCaller());
            if (route == Route.CONNECT) {
                options.authorizer(authorizer);
            }
            WebSocketRoute webSocketRoute = props.api().addRoute(route.key(), options.build());
            if (route != Route.CONNECT) {
                NagSuppressions.addResourceSuppressions(webSocketRoute, List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-APIG4")
                        .reason("WebSocket APIs authorize only on $connect; every later frame travels on that"
                                + " already authorized connection, and $disconnect is sent by API Gateway itself.")
                        .build()));
            }
            routes.put(route, webSocketRoute);
        }
        if (props.tokenSource().identitySource().isEmpty()) {
            dropEmptyIdentitySource(props.api());
        }
    }

    /**
     * Adds the application's routes to the API, each integrated with the one function that serves them all, two-way
     * (its reply frame reaches the caller). Their names were checked against {@link Route} by {@link Extensions}.
     */
    static Map<String, WebSocketRoute> addApplicationRoutes(WebSocketApi api, Iterable<String> names,
                                                           IFunction handler) {
        Map<String, WebSocketRoute> added = new java.util.LinkedHashMap<>();
        for (String name : names) {
            WebSocketRoute route = api.addRoute(name, WebSocketRouteOptions.builder()
                    .integration(new WebSocketLambdaIntegration("ApplicationRoute-" + name + "-Integration", handler))
                    .returnResponse(true)
                    .build());
            NagSuppressions.addResourceSuppressions(route, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-APIG4")
                    .reason("WebSocket APIs authorize only on $connect; every later frame travels on that already"
                            + " authorized connection, and the handler admits each call against the connection.")
                    .build()));
            added.put(name, route);
        }
        return added;
    }

    /** The route of each {@link Route}. */
    Map<Route, WebSocketRoute> routes() {
        return Map.copyOf(routes);
    }

    /**
     * With {@link AuthSettings.TokenSource#HEADER_OR_QUERY} no identity source is configured, so API Gateway calls
     * the authorizer for every handshake and the authorizer decides (401 without a token). The property is removed
     * rather than sent empty.
     */
    private static void dropEmptyIdentitySource(WebSocketApi api) {
        api.getNode().findAll().stream()
                .filter(CfnAuthorizer.class::isInstance)
                .map(CfnAuthorizer.class::cast)
                .forEach(authorizer -> authorizer.addPropertyDeletionOverride("IdentitySource"));
    }
}
