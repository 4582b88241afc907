package dev.switchboard.infra;

import dev.switchboard.config.MetricNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.IWebSocketStage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Alarms and a dashboard for one Switchboard deployment: function errors and throttles, the WebSocket API's
 * client (4xx), execution (5xx) and integration errors, DynamoDB throttling, recipients who never got a frame,
 * disconnects whose leaving went unannounced, and the backlog and dead-letter depth of each work queue. Every alarm
 * notifies the topic when one is given.
 *
 * <pre>{@code
 * new Monitoring(this, "Monitoring", new Monitoring.Props("Switchboard", stage, functions, table, Map.of(),
 *         Optional.of(topic)));
 * }</pre>
 */
public final class Monitoring extends Construct {

    /** Five minutes: CloudWatch's standard resolution for these service metrics, and a reasonable page delay. */
    private static final Duration PERIOD = Duration.minutes(5);
    /** Rejected handshakes and throttled frames happen; only a burst of them is news. */
    private static final int CLIENT_ERRORS_PER_PERIOD = 100;
    /**
     * A work queue's consumer delivers a message within seconds; one waiting a minute means broadcasts reach
     * clients late (the consumer is throttled, failing, or short of concurrency).
     */
    static final int QUEUE_BACKLOG_SECONDS = 60;

    /** An SQS queue a function consumes, and where its messages go after the consumer gave up on them. */
    public record WorkQueue(IQueue queue, IQueue deadLetterQueue) {
        public WorkQueue {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        }
    }

    /**
     * @param service          the deployment's service name, the dimension its functions' own metrics carry
     * @param stage            the WebSocket stage whose API metrics are watched
     * @param functions        functions by a readable name (used in alarm names and the dashboard)
     * @param table            the DynamoDB table
     * @param queues           work queues by a readable name: their backlog's age is watched, and their
     *                         dead-letter queue's depth should stay at zero
     * @param alarmTopic       where alarms notify, if anywhere
     * @param failureQueues    queues by a readable name where an event source sends what it gave up on: their
     *                         depth should stay at zero
     * @param extensions       whether the stack has application routes or hooks: their failures are alarmed
     */
    public record Props(String service, IWebSocketStage stage, Map<String, IFunction> functions, ITableV2 table,
                        Map<String, WorkQueue> queues, Optional<ITopic> alarmTopic, Map<String, IQueue> failureQueues,
                        boolean extensions) {

        /** A stack without event-source failure queues or the application's routes or hooks. */
        public Props(String service, IWebSocketStage stage, Map<String, IFunction> functions, ITableV2 table,
                     Map<String, WorkQueue> queues, Optional<ITopic> alarmTopic) {
            this(service, stage, functions, table, queues, alarmTopic, Map.of(), false);
        }

        public Props {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(alarmTopic, "alarmTopic");
            functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
            queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
            failureQueues = Collections.unmodifiableMap(new LinkedHashMap<>(failureQueues));
        }
    }

    private final List<Alarm> alarms = new ArrayList<>();
    private final Dashboard dashboard;

    public Monitoring(Construct scope, String id, Props props) {
        super(scope, id);
        List<IWidget> lambdaWidgets = new ArrayList<>();
        props.functions().forEach((name, function) -> {
            alarm(name + "Errors", function.metricErrors(sum()), 1,
                    "Lambda " + name + " failed (uncaught error or timeout)", props);
            alarm(name + "Throttles", function.metricThrottles(sum()), 1,
                    "Lambda " + name + " was throttled (concurrency limit)", props);
            lambdaWidgets.add(GraphWidget.Builder.create().title(name)
                    .left(List.of(function.metricInvocations(sum()), function.metricErrors(sum()),
                            function.metricThrottles(sum())))
                    .right(List.of(function.metricDuration(MetricOptions.builder().statistic("p99").period(PERIOD)
                            .build())))
                    .width(8).build());
        });

        IWebSocketStage stage = props.stage();
        alarm("ApiClientErrors", stage.metric("ClientError", sum()), CLIENT_ERRORS_PER_PERIOD,
                "WebSocket API 4xx burst: rejected handshakes (auth), throttling or oversized frames", props);
        alarm("ApiExecutionErrors", stage.metric("ExecutionError", sum()), 1,
                "WebSocket API 5xx: errors while executing routes", props);
        alarm("ApiIntegrationErrors", stage.metric("IntegrationError", sum()), 1,
                "WebSocket API integration errors: a route's Lambda failed or timed out", props);

        IMetric tableThrottles = MathExpression.Builder.create()
                .label("DynamoDB throttle events")
                .expression("reads + writes")
                // Sorted: Map.of's order changes from one JVM to the next, and with it the synthesized template.
                .usingMetrics(new TreeMap<>(Map.of(
                        "reads", props.table().metric("ReadThrottleEvents", sum()),
                        "writes", props.table().metric("WriteThrottleEvents", sum()))))
                .period(PERIOD)
                .build();
        alarm("TableThrottles", tableThrottles, 1, "DynamoDB throttled reads or writes on the table", props);

        Metric undelivered = serviceMetric(MetricNames.DELIVERY_FAILURES, props);
        alarm("DeliveryFailures", undelivered, 1, "Recipients did not get a frame: too large for them, or still"
                + " failing after the retries and the later attempts through the fan-out queue", props);

        Metric presenceNotSent = serviceMetric(MetricNames.PRESENCE_NOT_SENT, props);
        alarm("PresenceEventsNotSent", presenceNotSent, 1, "Disconnects left rooms without their leave event: past"
                + " the presence posts one disconnect may make (their members learn it from the next presence query)",
                props);
        Metric refused = serviceMetric(MetricNames.CONNECTIONS_REFUSED, props);
        if (props.extensions()) {
            alarm("ExtensionFailures", serviceMetric(MetricNames.EXTENSION_FAILURES, props), 1, "Frames or handshakes"
                    + " were refused because an application route or hook did not answer in time or could not be"
                    + " invoked", props);
        }

        List<IMetric> queueDepths = new ArrayList<>();
        List<IMetric> queueAges = new ArrayList<>();
        props.queues().forEach((name, queues) -> {
            IMetric age = queues.queue().metricApproximateAgeOfOldestMessage(maximum());
            queueAges.add(age);
            alarm(name + "QueueBacklogAge", age, QUEUE_BACKLOG_SECONDS, "The " + name + " queue's oldest message"
                    + " has waited " + QUEUE_BACKLOG_SECONDS + " s or more: its consumer is not keeping up", props);
            IMetric depth = queues.deadLetterQueue().metricApproximateNumberOfMessagesVisible(maximum());
            queueDepths.add(depth);
            alarm(name + "DeadLetterQueueDepth", depth, 1,
                    "Messages are waiting in the " + name + " dead-letter queue: its consumer gave up on them", props);
        });

        props.failureQueues().forEach((name, queue) -> {
            IMetric depth = queue.metricApproximateNumberOfMessagesVisible(maximum());
            queueDepths.add(depth);
            alarm(name + "FailureQueueDepth", depth, 1, "The " + name + " source gave up on records after its"
                    + " retries: their place in the stream waits in its failure queue", props);
        });

        dashboard = Dashboard.Builder.create(this, "Dashboard").build();
        dashboard.addWidgets(AlarmStatusWidget.Builder.create().title("Alarms")
                .alarms(new ArrayList<IAlarm>(alarms)).width(24).build());
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Connections and messages")
                        .left(List.of(stage.metric("ConnectCount", sum()), stage.metric("MessageCount", sum())))
                        .width(8).build(),
                GraphWidget.Builder.create().title("API errors")
                        .left(List.of(stage.metric("ClientError", sum()), stage.metric("ExecutionError", sum()),
                                stage.metric("IntegrationError", sum())))
                        .width(8).build(),
                GraphWidget.Builder.create().title("Recipients not reached")
                        .left(List.of(undelivered, serviceMetric(MetricNames.DELIVERIES_DEFERRED, props)))
                        .width(8).build(),
                GraphWidget.Builder.create().title("Refused handshakes and untold rooms")
                        .left(List.of(refused, presenceNotSent))
                        .width(8).build(),
                GraphWidget.Builder.create().title("Integration latency (p99, ms)")
                        .left(List.of(stage.metric("IntegrationLatency", MetricOptions.builder().statistic("p99")
                                .period(PERIOD).build())))
                        .width(8).build());
        dashboard.addWidgets(lambdaWidgets.toArray(IWidget[]::new));
        List<IMetric> tableMetrics = new ArrayList<>(List.of(tableThrottles,
                props.table().metricConsumedReadCapacityUnits(sum()),
                props.table().metricConsumedWriteCapacityUnits(sum())));
        dashboard.addWidgets(GraphWidget.Builder.create().title("DynamoDB").left(tableMetrics).width(12).build());
        if (!queueDepths.isEmpty()) {
            dashboard.addWidgets(
                    GraphWidget.Builder.create().title("Oldest message in work queues (s)").left(queueAges)
                            .width(12).build(),
                    GraphWidget.Builder.create().title("Dead-letter queues").left(queueDepths).width(12).build());
        }
    }

    /** The alarms created, in creation order. */
    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    private void alarm(String id, IMetric metric, int threshold, String description, Props props) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description)
                .build();
        props.alarmTopic().ifPresent(topic -> alarm.addAlarmAction(new SnsAction(topic)));
        alarms.add(alarm);
    }

    /** A metric the functions emit with the service dimension alone. */
    private static Metric serviceMetric(String name, Props props) {
        return Metric.Builder.create()
                .namespace(MetricNames.NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of(MetricNames.SERVICE_DIMENSION, props.service()))
                .statistic("Sum")
                .period(PERIOD)
                .build();
    }

    private static MetricOptions maximum() {
        return MetricOptions.builder().statistic("Maximum").period(PERIOD).build();
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
    }
}
