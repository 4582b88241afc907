package com.example.supportdesk.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.supportdesk.CloseTicketHandler;
import com.example.supportdesk.TicketGate;
import com.example.supportdesk.TranscriptConsumer;
import com.example.supportdesk.TypingRoute;
import dev.switchboard.config.EnvNames;
import dev.switchboard.infra.FunctionsJar;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The desk's one stack, synthesized with the packaged Lambda jar (so after {@code package}): Switchboard wired to
 * the desk's route, hook and bus, and the desk's functions with the grants their work needs and no more.
 */
class SupportDeskStackIT {

    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "eu-west-1";
    private static final DeskNames NAMES = new DeskNames("SupportDesk");

    private static Template template;

    @BeforeAll
    static void synthesize() {
        App app = new App();
        template = Template.fromStack(SupportDeskApp.stack(app, NAMES,
                Environment.builder().account(ACCOUNT).region(REGION).build(), FunctionsJar.find(Path.of("../..")),
                Code.fromAsset(SupportDeskApp.appJar(Path.of("target")).toString())));
    }

    private static String arn(String function) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + function;
    }

    /** The logical id of the function with this handler class. */
    private static String functionOf(Class<?> handler) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::Lambda::Function", Map.of(
                "Properties", Map.of("Handler", handler.getName() + "::handleRequest")));
        assertThat(found).as("one function runs %s", handler.getSimpleName()).hasSize(1);
        return found.keySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environmentOf(Map<String, Object> function) {
        Map<String, Object> properties = (Map<String, Object>) function.get("Properties");
        return (Map<String, Object>) ((Map<String, Object>) properties.getOrDefault("Environment", Map.of()))
                .getOrDefault("Variables", Map.of());
    }

    /** Every action the policies attached to a function's role allow. */
    @SuppressWarnings("unchecked")
    private static Set<String> actionsOf(String functionId) {
        Map<String, Object> function = template.findResources("AWS::Lambda::Function").get(functionId);
        Object role = ((Map<String, Object>) ((Map<String, Object>) function.get("Properties")).get("Role"));
        String roleId = (String) ((List<Object>) ((Map<String, Object>) role).get("Fn::GetAtt")).get(0);
        return template.findResources("AWS::IAM::Policy").values().stream()
                .map(policy -> (Map<String, Object>) policy.get("Properties"))
                .filter(properties -> ((List<Object>) properties.get("Roles")).contains(Map.of("Ref", roleId)))
                .flatMap(properties -> ((List<Map<String, Object>>) ((Map<String, Object>)
                        properties.get("PolicyDocument")).get("Statement")).stream())
                .flatMap(statement -> statement.get("Action") instanceof List<?> list
                        ? list.stream().map(Object::toString) : java.util.stream.Stream.of((String) statement
                        .get("Action")))
                .collect(Collectors.toSet());
    }

    @Test
    void theTypingRouteIsOnTheApiAndServedByTheDesksFunction() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "typing"));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", NAMES.typingFunction(),
                "Handler", TypingRoute.class.getName() + "::handleRequest"));
        List<Map<String, Object>> told = template.findResources("AWS::Lambda::Function").values().stream()
                .map(SupportDeskStackIT::environmentOf)
                .filter(variables -> variables.containsKey(EnvNames.APPLICATION_ROUTES)).toList();
        assertThat(told).singleElement().satisfies(variables -> assertThat(variables)
                .containsEntry(EnvNames.APPLICATION_ROUTES, "typing=" + arn(NAMES.typingFunction())));
    }

    @Test
    void theJoinFunctionAsksTheTicketGate() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", NAMES.ticketGateFunction(),
                "Handler", TicketGate.class.getName() + "::handleRequest"));
        List<Map<String, Object>> told = template.findResources("AWS::Lambda::Function").values().stream()
                .map(SupportDeskStackIT::environmentOf)
                .filter(variables -> variables.containsKey(EnvNames.HOOK_ON_JOIN)).toList();
        assertThat(told).singleElement().satisfies(variables -> assertThat(variables)
                .containsEntry(EnvNames.HOOK_ON_JOIN, arn(NAMES.ticketGateFunction())));
    }

    @Test
    void aTicketRoomsMessagesOnTheDesksBusGoToTheTranscriptConsumerAndWhatFailsIsQueuedAndAlarmed() {
        template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", NAMES.bus()));
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of("source", List.of(SupportDesk.EVENT_SOURCE),
                        "detail-type", List.of(TranscriptConsumer.MESSAGE_PUBLISHED),
                        "detail", Map.of("room", List.of(Map.of("prefix", "ticket-")))),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Fn::GetAtt", List.of(functionOf(TranscriptConsumer.class), "Arn")),
                        "DeadLetterConfig", Match.objectLike(Map.of()))))));
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Match.objectLike(Map.of(
                "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.anyValue())))));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1)));
    }

    @Test
    void switchboardPutsItsEventsOnTheDesksBusWithTheDesksSource() {
        List<Map<String, Object>> told = template.findResources("AWS::Lambda::Function").values().stream()
                .map(SupportDeskStackIT::environmentOf)
                .filter(variables -> variables.containsKey(EnvNames.EVENT_BUS)).toList();
        assertThat(told).singleElement().satisfies(variables -> {
            assertThat(variables).containsEntry(EnvNames.EVENT_SOURCE, SupportDesk.EVENT_SOURCE);
            assertThat(variables.get(EnvNames.EVENT_BUS).toString()).contains(NAMES.bus());
        });
        template.hasResourceProperties("AWS::DynamoDB::GlobalTable", Match.objectLike(Map.of(
                "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"))));
    }

    @Test
    void eachDeskFunctionMayDoWhatItsWorkNeedsAndNoMore() {
        Set<String> gate = actionsOf(functionOf(TicketGate.class));
        assertThat(gate).allMatch(action -> action.startsWith("dynamodb:"))
                .contains("dynamodb:GetItem").doesNotContain("dynamodb:PutItem", "dynamodb:UpdateItem");

        Set<String> typing = actionsOf(functionOf(TypingRoute.class));
        assertThat(typing).contains("execute-api:ManageConnections", "dynamodb:Query")
                .noneMatch(action -> action.startsWith("lambda:") || action.startsWith("events:"));

        Set<String> close = actionsOf(functionOf(CloseTicketHandler.class));
        assertThat(close).contains("execute-api:ManageConnections", "dynamodb:UpdateItem", "dynamodb:Query",
                "dynamodb:DeleteItem");

        Set<String> consumer = actionsOf(functionOf(TranscriptConsumer.class));
        assertThat(consumer).as("writes transcripts; reaches no connection").contains("dynamodb:PutItem")
                .noneMatch(action -> action.startsWith("execute-api:"));
    }

    @Test
    void theCloseTicketOperationMayBeInvokedByNobodyTheDeployerDoesNotGrant() {
        String close = functionOf(CloseTicketHandler.class);
        assertThat(template.findResources("AWS::Lambda::Permission").values().stream()
                .map(permission -> ((Map<?, ?>) permission.get("Properties")).get("FunctionName"))
                .map(Object::toString))
                .noneMatch(name -> name.contains(close));
    }
}
