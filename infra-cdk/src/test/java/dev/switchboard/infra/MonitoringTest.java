package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.MetricNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
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
    void aWorkQueueGetsABacklogAgeAlarmAndItsDeadLetterQueueADepthAlarm() {
        Stack stack = new Stack(new App(), "MonitoringOnly");
        WebSocketApi api = new WebSocketApi(stack, "Api");
        WebSocketStage stage = WebSocketStage.Builder.create(stack, "Stage").webSocketApi(api).stageName("test")
                .build();
        TableV2 table = TableV2.Builder.create(stack, "Table")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build()).build();
        Queue dlq = new Queue(stack, "BroadcastDlq");
        Queue queue = new Queue(stack, "Broadcast");

        Monitoring monitoring = new Monitoring(stack, "Monitoring", new Monitoring.Props("chat", stage, Map.of(), table,
                Map.of("Broadcast", new Monitoring.WorkQueue(queue, dlq)), Optional.empty()));

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(logicalId(stack, dlq), "QueueName")))),
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "Statistic", "Maximum",
                "TreatMissingData", "notBreaching"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateAgeOfOldestMessage",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(logicalId(stack, queue), "QueueName")))),
                "Threshold", Monitoring.QUEUE_BACKLOG_SECONDS,
                "Statistic", "Maximum"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", MetricNames.NAMESPACE,
                "MetricName", MetricNames.DELIVERY_FAILURES,
                "Dimensions", List.of(Map.of("Name", MetricNames.SERVICE_DIMENSION, "Value", "chat")),
                "Threshold", 1,
                "Statistic", "Sum",
                "TreatMissingData", "notBreaching"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", MetricNames.NAMESPACE,
                "MetricName", MetricNames.PRESENCE_NOT_SENT,
                "Dimensions", List.of(Map.of("Name", MetricNames.SERVICE_DIMENSION, "Value", "chat")),
                "Threshold", 1,
                "Statistic", "Sum"));
        // API 4xx/5xx/integration errors, table throttles, undelivered recipients and untold rooms, plus the
        // queue's two.
        assertThat(monitoring.alarms()).hasSize(8);
        assertThat(monitoring.alarms()).anySatisfy(alarm -> assertThat(alarm.getNode().getId())
                .isEqualTo("BroadcastQueueBacklogAge"));
        assertThat(template.findResources("AWS::CloudWatch::Dashboard").values().toString())
                .contains("Dead-letter queues").contains("Oldest message in work queues")
                .contains(MetricNames.CONNECTIONS_REFUSED);
    }

    private static String logicalId(Stack stack, Queue queue) {
        return stack.resolve(((CfnElement) queue.getNode().getDefaultChild())
                .getLogicalId()).toString();
    }
}
