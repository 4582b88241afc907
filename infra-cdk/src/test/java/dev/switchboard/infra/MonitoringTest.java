package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.sqs.Queue;

class MonitoringTest {

    @Test
    void aDeadLetterQueueGetsADepthAlarmAndADashboardGraph() {
        Stack stack = new Stack(new App(), "MonitoringOnly");
        WebSocketApi api = new WebSocketApi(stack, "Api");
        WebSocketStage stage = WebSocketStage.Builder.create(stack, "Stage").webSocketApi(api).stageName("test")
                .build();
        TableV2 table = TableV2.Builder.create(stack, "Table")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build()).build();
        Queue dlq = new Queue(stack, "BroadcastDlq");

        Monitoring monitoring = new Monitoring(stack, "Monitoring",
                new Monitoring.Props(stage, Map.of(), table, List.of(dlq), Optional.empty()));

        Template template = Template.fromStack(stack);
        String queueId = template.findResources("AWS::SQS::Queue").keySet().iterator().next();
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(queueId, "QueueName")))),
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "Statistic", "Maximum",
                "TreatMissingData", "notBreaching"));
        // API 4xx/5xx/integration errors and table throttles, plus the queue: none without the others.
        assertThat(monitoring.alarms()).hasSize(5);
        assertThat(template.findResources("AWS::CloudWatch::Dashboard").values().toString())
                .contains("Dead-letter queues");
    }
}
