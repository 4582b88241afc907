package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;

/**
 * Runs inside a JVM whose classpath is the shaded Lambda jar (plus this class and its context), as Lambda would
 * load it: handlers built through their no-argument constructors (wired to the DynamoDB Local the test gives it),
 * Powertools logging and metrics on. Prints
 * {@code SMOKE-OK} when every check passes; {@link LambdaJarIT} reads the output.
 */
public final class JarSmoke {

    private JarSmoke() {
    }

    public static void main(String[] args) {
        APIGatewayV2WebSocketEvent opening = new APIGatewayV2WebSocketEvent();
        APIGatewayV2WebSocketEvent.RequestContext connecting = new APIGatewayV2WebSocketEvent.RequestContext();
        connecting.setConnectionId("Smoke-Conn=");
        connecting.setRouteKey("$connect");
        connecting.setRequestId("smoke-connect");
        opening.setRequestContext(connecting);
        APIGatewayV2WebSocketResponse connected = new ConnectHandler().handleRequest(opening,
                new FakeLambdaContext("smoke-0", "switchboard-connect"));
        require(connected.getStatusCode() == 200, "$connect registers the connection in DynamoDB");

        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setConnectionId("Smoke-Conn=");
        context.setRouteKey("ping");
        context.setRequestId("smoke-request");
        event.setRequestContext(context);
        event.setBody("{\"action\":\"ping\",\"id\":\"smoke\"}");

        APIGatewayV2WebSocketResponse pong = new PingHandler().handleRequest(event,
                new FakeLambdaContext("smoke-1", "switchboard-ping"));
        require(pong.getStatusCode() == 200 && pong.getBody().contains("\"type\":\"pong\""), "ping answers pong");

        APIGatewayCustomAuthorizerEvent connect = new APIGatewayCustomAuthorizerEvent();
        connect.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect");
        IamPolicyResponseV1 policy = new JwtAuthorizerHandler().handleRequest(connect,
                new FakeLambdaContext("smoke-2", "switchboard-authorizer"));
        require("anonymous".equals(policy.getPrincipalId()), "authorizer with auth off allows anonymous");

        System.out.println("SMOKE-OK");
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            System.out.println("SMOKE-FAILED: " + what);
            System.exit(1);
        }
    }
}
