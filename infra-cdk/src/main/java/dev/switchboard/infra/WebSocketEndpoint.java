package dev.switchboard.infra;

import dev.switchboard.protocol.Route;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The WebSocket API and its one stage: routes selected by {@link Route#SELECTION_EXPRESSION}, the stage's default
 * throttling, JSON access logs, and, when asked for, API Gateway's account-wide logging role. Made before the
 * functions, whose environment names the stage's callback URL; {@link WebSocketRoutes} adds the routes once the
 * functions exist.
 *
 * <p>Not a construct of its own: the API, log group, stage and logging role are made in the scope given, under the
 * ids the stack has always used ({@code Api}, {@code AccessLogs}, {@code Stage}, {@code ApiGatewayLoggingRole},
 * {@code ApiGatewayAccount}), so that their logical ids, and with them the deployed API's URL, stay the same.
 */
final class WebSocketEndpoint {

    /**
     * @param apiName      the API's name, the stack's name
     * @param stageName    the stage, part of every URL
     * @param rateLimit    steady requests per second allowed per route
     * @param burstLimit   burst allowed per route
     * @param logRetention retention of the access logs
     * @param removal      what deleting the stack does to the access logs
     * @param loggingRole  set API Gateway's account-wide CloudWatch Logs role
     */
    record Props(String apiName, String stageName, double rateLimit, int burstLimit, RetentionDays logRetention,
                 RemovalPolicy removal, boolean loggingRole) {
        Props {
            Objects.requireNonNull(apiName, "apiName");
            Objects.requireNonNull(stageName, "stageName");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(removal, "removal");
        }
    }

    private final WebSocketApi api;
    private final WebSocketStage stage;

    WebSocketEndpoint(Construct scope, Props props) {
        api = WebSocketApi.Builder.create(scope, "Api")
                .apiName(props.apiName())
                .description("Switchboard WebSocket API")
                .routeSelectionExpression(Route.SELECTION_EXPRESSION)
                .build();
        LogGroup accessLogs = LogGroup.Builder.create(scope, "AccessLogs")
                .retention(props.logRetention())
                .removalPolicy(props.removal())
                .build();
        stage = WebSocketStage.Builder.create(scope, "Stage")
                .webSocketApi(api)
                .stageName(props.stageName())
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(props.rateLimit())
                        .burstLimit(props.burstLimit())
                        .build())
                .accessLogSettings(new AccessLogs(new LogGroupLogDestination(accessLogs)))
                .build();
        if (props.loggingRole()) {
            stage.getNode().addDependency(apiGatewayLoggingRole(scope));
        }
    }

    WebSocketApi api() {
        return api;
    }

    WebSocketStage stage() {
        return stage;
    }

    /**
     * API Gateway writes access logs through one account-wide role. Without it the stage cannot enable logging.
     * Kept on stack deletion: another stack in the account may rely on the same setting.
     */
    private static CfnAccount apiGatewayLoggingRole(Construct scope) {
        Role role = Role.Builder.create(scope, "ApiGatewayLoggingRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName(
                        "service-role/AmazonAPIGatewayPushToCloudWatchLogs")))
                .build();
        role.applyRemovalPolicy(RemovalPolicy.RETAIN);
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("AWS's own policy for API Gateway's account-wide logging role; it grants only CloudWatch"
                        + " Logs writes and is what the service documents.")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AmazonAPIGatewayPushToCloudWatchLogs"))
                .build()));
        CfnAccount account = CfnAccount.Builder.create(scope, "ApiGatewayAccount")
                .cloudWatchRoleArn(role.getRoleArn())
                .build();
        account.applyRemovalPolicy(RemovalPolicy.RETAIN);
        return account;
    }

    /**
     * JSON access log lines; query strings (which may carry tokens) are never logged. A class, not a record: jsii
     * would take a record's {@code destination()} accessor for a method overriding the {@code destination} property.
     */
    private static final class AccessLogs implements IAccessLogSettings {
        private static final Map<String, String> FIELDS = accessLogFields();

        private final IAccessLogDestination logDestination;

        AccessLogs(IAccessLogDestination logDestination) {
            this.logDestination = logDestination;
        }

        @Override
        public IAccessLogDestination getDestination() {
            return logDestination;
        }

        @Override
        public AccessLogFormat getFormat() {
            StringBuilder json = new StringBuilder("{");
            FIELDS.forEach((name, variable) -> {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append('"').append(name).append("\":\"").append(variable).append('"');
            });
            return AccessLogFormat.custom(json.append('}').toString());
        }

        private static Map<String, String> accessLogFields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("requestId", "$context.requestId");
            fields.put("extendedRequestId", "$context.extendedRequestId");
            fields.put("requestTime", "$context.requestTime");
            fields.put("connectionId", "$context.connectionId");
            fields.put("eventType", "$context.eventType");
            fields.put("routeKey", "$context.routeKey");
            fields.put("messageId", "$context.messageId");
            fields.put("status", "$context.status");
            fields.put("sourceIp", "$context.identity.sourceIp");
            fields.put("userAgent", "$context.identity.userAgent");
            fields.put("principalId", "$context.authorizer.principalId");
            fields.put("authorizerError", "$context.authorizer.error");
            fields.put("integrationLatency", "$context.integrationLatency");
            fields.put("error", "$context.error.message");
            fields.put("errorType", "$context.error.responseType");
            return fields;
        }
    }
}
