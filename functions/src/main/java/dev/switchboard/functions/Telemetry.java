package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import dev.switchboard.core.BroadcastResult;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Logs and metrics around every handler invocation, through Powertools' functional API (no AspectJ): JSON log
 * lines carry {@code connectionId}, {@code routeKey} and {@code requestId}; metrics go out as CloudWatch EMF,
 * flushed once per invocation. Metric names are constants here so dashboards and alarms can refer to them.
 */
final class Telemetry {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    static final String NAMESPACE = "Switchboard";
    static final String CONNECTIONS_OPENED = "ConnectionsOpened";
    static final String CONNECTIONS_CLOSED = "ConnectionsClosed";
    static final String MESSAGES_IN = "MessagesIn";
    static final String ERROR_REPLIES = "ErrorReplies";
    static final String DELIVERIES = "Deliveries";
    static final String GONE = "DeliveriesGone";
    static final String FAILURES = "DeliveryFailures";
    static final String FAN_OUT = "FanOutSize";
    static final String BROADCAST_DURATION = "BroadcastDuration";

    private Telemetry() {
    }

    private static Metrics metrics() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        if (System.getenv("POWERTOOLS_METRICS_NAMESPACE") == null) {
            metrics.setNamespace(NAMESPACE);
        }
        return metrics;
    }

    /**
     * Runs one invocation with the Lambda context and the invocation's keys in every log line, then flushes its
     * metrics. {@code context} is null when a handler runs outside Lambda (tests, the local emulator).
     */
    static <T> T around(Context context, Invocation invocation, Supplier<T> body) {
        MDC.put("connectionId", invocation.connectionId());
        MDC.put("routeKey", String.valueOf(invocation.routeKey()));
        MDC.put("requestId", invocation.requestId());
        try {
            return context == null ? body.get() : PowertoolsLogging.withLogging(context, body);
        } finally {
            MDC.remove("connectionId");
            MDC.remove("routeKey");
            MDC.remove("requestId");
            metrics().flush();
        }
    }

    /** Runs an invocation that has no connection yet (the authorizer) with the Lambda context in its logs. */
    static <T> T around(Context context, Supplier<T> body) {
        return context == null ? body.get() : PowertoolsLogging.withLogging(context, body);
    }

    /**
     * Runs one SQS batch (the publisher, the fan-out worker) with the Lambda context in its logs, then flushes the
     * metrics its deliveries recorded, so they leave with this invocation.
     */
    static <T> T aroundBatch(Context context, Supplier<T> body) {
        try {
            return around(context, body);
        } finally {
            metrics().flush();
        }
    }

    static void connectionOpened() {
        metrics().addMetric(CONNECTIONS_OPENED, 1, MetricUnit.COUNT);
    }

    static void connectionClosed() {
        metrics().addMetric(CONNECTIONS_CLOSED, 1, MetricUnit.COUNT);
    }

    static void messageIn(String routeKey, ServerFrame reply) {
        Metrics metrics = metrics();
        metrics.addDimension(DimensionSet.of("Route", routeKey));
        metrics.addMetric(MESSAGES_IN, 1, MetricUnit.COUNT);
        if (reply instanceof ServerFrame.Error) {
            metrics.addMetric(ERROR_REPLIES, 1, MetricUnit.COUNT);
        }
    }

    static void broadcast(BroadcastResult result, Duration took) {
        if (result.failed() + result.throttled() + result.tooLarge() > 0) {
            LOG.warn("broadcast to {} connection(s) in {} ms: delivered {}, gone {}, throttled {}, too large {}, "
                    + "failed {}", result.attempted(), took.toMillis(), result.delivered(), result.gone(),
                    result.throttled(), result.tooLarge(), result.failed());
        }
        Metrics metrics = metrics();
        metrics.addMetric(FAN_OUT, result.attempted(), MetricUnit.COUNT);
        metrics.addMetric(DELIVERIES, result.delivered(), MetricUnit.COUNT);
        metrics.addMetric(GONE, result.gone(), MetricUnit.COUNT);
        metrics.addMetric(FAILURES, result.failed() + result.throttled() + result.tooLarge(), MetricUnit.COUNT);
        metrics.addMetric(BROADCAST_DURATION, took.toNanos() / 1e6, MetricUnit.MILLISECONDS);
    }
}
