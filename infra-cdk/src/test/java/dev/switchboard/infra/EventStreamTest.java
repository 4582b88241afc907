package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.aws.TableEvents;
import dev.switchboard.functions.Handlers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.EventBus;

/**
 * The event stream's wiring: the table's stream on with both images, the events function fed by it through filters
 * that are the translation's own, bisecting, reporting partial failures and sending what it gives up on to a failure
 * queue whose depth is alarmed; allowed PutEvents on the named bus and the stream's reads, and no other function
 * allowed either. Without the setting, none of it is there.
 */
class EventStreamTest {

    private static final String HANDLER = Handlers.lambdaHandler(Handlers.EVENTS);

    private static Synthesized byArn;
    private static Synthesized without;

    @TempDir
    Path repo;

    @BeforeAll
    static void synthesize() {
        byArn = Synthesized.of(Deployments.eventStream());
        without = Synthesized.of(Deployments.defaults());
    }

    @Test
    void theTablesStreamCarriesBothImages() {
        byArn.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Match.objectLike(Map.of(
                "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"))));
        without.template().hasResourceProperties("AWS::DynamoDB::GlobalTable", Match.objectLike(Map.of(
                "StreamSpecification", Match.absent())));
    }

    @Test
    void theEventsFunctionIsFedByTheStreamThroughTheTranslationsOwnFilters() {
        String table = onlyId(byArn, "AWS::DynamoDB::GlobalTable");
        String failureQueue = failureQueueId();
        Map<String, Object> mapping = streamMapping();
        assertThat(mapping).containsEntry("EventSourceArn", Map.of("Fn::GetAtt", List.of(table, "StreamArn")))
                .containsEntry("StartingPosition", "LATEST")
                .containsEntry("BatchSize", TableEventStream.BATCH_SIZE)
                .containsEntry("ParallelizationFactor", 1)
                .containsEntry("BisectBatchOnFunctionError", true)
                .containsEntry("MaximumRetryAttempts", TableEventStream.RETRY_ATTEMPTS)
                .containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"))
                .containsEntry("DestinationConfig", Map.of("OnFailure", Map.of("Destination",
                        Map.of("Fn::GetAtt", List.of(failureQueue, "Arn")))));
        List<String> patterns = new ArrayList<>();
        for (Object filter : (List<?>) ((Map<?, ?>) mapping.get("FilterCriteria")).get("Filters")) {
            patterns.add((String) ((Map<?, ?>) filter).get("Pattern"));
        }
        assertThat(patterns).isEqualTo(TableEvents.FILTER_PATTERNS);
        assertThat(byArn.environmentsByHandler().get(HANDLER))
                .containsEntry(EnvNames.EVENT_BUS, Deployments.EVENT_BUS_ARN)
                .containsEntry(EnvNames.EVENT_SOURCE, "support.desk")
                .doesNotContainKeys(EnvNames.TABLE_NAME, EnvNames.MANAGEMENT_ENDPOINT);
    }

    @Test
    void theEventsFunctionMayPutOnThatBusAndReadTheStreamAndNothingElse() {
        String table = onlyId(byArn, "AWS::DynamoDB::GlobalTable");
        Map<String, Object> stream = Map.of("Fn::GetAtt", List.of(table, "StreamArn"));
        Set<String> granted = new TreeSet<>();
        for (Map<String, Object> statement : byArn.statementsByHandler().get(HANDLER)) {
            List<String> actions = SwitchboardStackTest.strings(statement.get("Action"));
            granted.addAll(actions);
            if (actions.contains("events:PutEvents")) {
                assertThat(actions).containsExactly("events:PutEvents");
                assertThat(statement.get("Resource")).isEqualTo(Deployments.EVENT_BUS_ARN);
            }
            if (actions.stream().anyMatch(a -> a.startsWith("dynamodb:"))) {
                assertThat(statement.get("Resource")).isEqualTo(stream);
            }
            if (actions.stream().anyMatch(a -> a.startsWith("sqs:"))) {
                assertThat(statement.get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of(failureQueueId(),
                        "Arn")));
            }
        }
        assertThat(granted).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents",
                "events:PutEvents", "dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords",
                "dynamodb:GetShardIterator", "sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");
        assertThat(byArn.handlersAllowed("events:")).containsExactly(HANDLER);
        assertThat(byArn.handlersAllowed("dynamodb:GetRecords")).containsExactly(HANDLER);
        assertThat(byArn.handlersAllowed("dynamodb:GetShardIterator")).containsExactly(HANDLER);
        assertThat(without.handlersAllowed("events:")).isEmpty();
        assertThat(without.environmentsByHandler()).doesNotContainKey(HANDLER);
    }

    @Test
    void recordsGivenUpOnWaitInAnAlarmedQueueAndTheFunctionIsWatched() {
        String failureQueue = failureQueueId();
        byArn.template().hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Namespace", "AWS/SQS",
                "Threshold", 1,
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(failureQueue, "QueueName")))))));
        assertThat(byArn.resources("AWS::CloudWatch::Alarm").keySet())
                .anyMatch(id -> id.startsWith("MonitoringEventsFailureQueueDepth"))
                .anyMatch(id -> id.startsWith("MonitoringEventsErrors"));
        byArn.template().hasResource("AWS::SQS::Queue", Match.objectLike(Map.of("Properties", Match.objectLike(Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600)))));
        assertThat(byArn.stack().eventsFailureQueue()).isPresent();
        assertThat(without.stack().eventsFailureQueue()).isEmpty();
        assertThat(byArn.nagErrors()).isEmpty();
        assertThat(byArn.nagWarnings()).isEmpty();
    }

    @Test
    void aBusOfTheApplicationsOwnIsGrantedByItsArn() {
        App app = new App();
        Stack application = new Stack(app, "Application", StackProps.builder().build());
        EventBus bus = EventBus.Builder.create(application, "Desk").eventBusName("desk").build();
        SwitchboardStack stack = new SwitchboardStack(app, "Switchboard", StackProps.builder().build(),
                SwitchboardProps.builder().eventStream(EventStream.to(bus)).build());
        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        EnvNames.EVENT_BUS, Match.objectLike(Map.of("Fn::ImportValue", Match.anyValue())),
                        EnvNames.EVENT_SOURCE, EventStream.DEFAULT_SOURCE))))));
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", "events:PutEvents",
                        "Resource", Match.objectLike(Map.of("Fn::ImportValue", Match.anyValue())))))))))));
    }

    @Test
    void theDefaultSourceIsTheFunctionsDefault() {
        assertThat(EventStream.DEFAULT_SOURCE).isEqualTo(TableEvents.DEFAULT_SOURCE);
        assertThat(TableEventStream.FILTER_PATTERNS).isEqualTo(TableEvents.FILTER_PATTERNS);
    }

    @Test
    void theContextKeysNameTheBusAndTheSource() throws IOException {
        aBuiltRepository();
        SwitchboardProps props = fromContext(Map.of("eventBus", "support-desk", "eventSource", "support.desk"));
        assertThat(props.eventStream()).contains(EventStream.toBus("support-desk").withSource("support.desk"));
        assertThat(fromContext(Map.of("eventBus", Deployments.EVENT_BUS_ARN)).eventStream().orElseThrow().source())
                .isEqualTo("switchboard");
        assertThat(fromContext(Map.of()).eventStream()).isEmpty();
    }

    @Test
    void aSourceWithoutABusIsRefused() throws IOException {
        aBuiltRepository();
        assertThatThrownBy(() -> fromContext(Map.of("eventSource", "support.desk")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventSource needs eventBus (the EventBridge bus the events go to)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "desk bus", "arn:aws:sqs:eu-west-1:123456789012:desk",
            "arn:aws:events:eu-west-1:123456789012:rule/desk", "desk/*"})
    void whatIsNotABusIsRefused(String bus) {
        assertThatThrownBy(() -> EventStream.toBus(bus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("eventBus must be an EventBridge bus name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aws.dynamodb", "support desk", "support\"desk"})
    void aSourceEventBridgeWouldRefuseOrKeepsForAwsIsRefused(String source) {
        assertThatThrownBy(() -> EventStream.toBus("desk").withSource(source))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("eventSource must be 1-256 letters");
    }

    private static Map<String, Object> streamMapping() {
        List<Map<String, Object>> mappings = byArn.resources("AWS::Lambda::EventSourceMapping").values().stream()
                .map(Synthesized::properties)
                .filter(p -> String.valueOf(p.get("EventSourceArn")).contains("StreamArn"))
                .toList();
        assertThat(mappings).hasSize(1);
        return mappings.get(0);
    }

    private static String failureQueueId() {
        return byArn.resources("AWS::SQS::Queue").keySet().stream()
                .filter(id -> id.startsWith("EventsFailureQueue")).findFirst().orElseThrow();
    }

    private static String onlyId(Synthesized synthesized, String type) {
        Map<String, Map<String, Object>> resources = synthesized.resources(type);
        assertThat(resources).as(type).hasSize(1);
        return resources.keySet().iterator().next();
    }

    private void aBuiltRepository() throws IOException {
        Path target = Files.createDirectories(repo.resolve("functions").resolve("target"));
        Files.writeString(target.resolve("switchboard-functions-" + FunctionsJar.buildVersion() + "-lambda.jar"),
                "jar");
        Files.createDirectories(repo.resolve("infra-cdk"));
    }

    private SwitchboardProps fromContext(Map<String, Object> context) {
        return SwitchboardProps.fromContext(context::get, repo.resolve("infra-cdk"));
    }
}
