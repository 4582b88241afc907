package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import dev.switchboard.config.EnvNames;
import dev.switchboard.config.MetricNames;
import dev.switchboard.core.BroadcastResult;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.util.Objects;
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
 * flushed once per invocation. Metric names live in {@link MetricNames}, which the stack's monitoring also reads
 * for the alarms and graphs it puts on some of them ({@link MetricNames#DELIVERY_FAILURES} among the alarmed).
 */
final class Telemetry {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private Telemetry() {
    }

    private static volatile boolean serviceDimensionSet;

    private static Metrics metrics() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        if (System.getenv(EnvNames.METRICS_NAMESPACE) == null) {
            metrics.setNamespace(MetricNames.NAMESPACE);
        }
        if (System.getenv(EnvNames.SERVICE_NAME) == null && !serviceDimensionSet) {
            // What Powertools does by itself when the service is named (the dashboards and alarms read it). Once:
            // setting the defaults again would drop the dimensions added since.
            metrics.setDefaultDimensions(DimensionSet.of(MetricNames.SERVICE_DIMENSION, service()));
            serviceDimensionSet = true;
        }
        return metrics;
    }

    private static String namespace() {
        return Objects.requireNonNullElse(System.getenv(EnvNames.METRICS_NAMESPACE), MetricNames.NAMESPACE);
    }

    /** The deployment's name, as Powertools reads it for its default dimension. */
    static String service() {
        return Objects.requireNonNullElse(System.getenv(EnvNames.SERVICE_NAME), "switchboard");
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
            return context == null ? body.get()
                    : PowertoolsLogging.withLogging(context, () -> LambdaDeadline.during(context, body));
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
            return around(context, () -> LambdaDeadline.during(context, body));
        } finally {
            metrics().flush();
        }
    }

    static void connectionOpened() {
        metrics().addMetric(MetricNames.CONNECTIONS_OPENED, 1, MetricUnit.COUNT);
    }

    static void connectionRefused() {
        metrics().addMetric(MetricNames.CONNECTIONS_REFUSED, 1, MetricUnit.COUNT);
    }

    /** A closed connection, and the rooms its leaving was not announced in (past the presence budget). */
    static void connectionClosed(int roomsNotTold) {
        Metrics metrics = metrics();
        metrics.addMetric(MetricNames.CONNECTIONS_CLOSED, 1, MetricUnit.COUNT);
        if (roomsNotTold > 0) {
            metrics.addMetric(MetricNames.PRESENCE_NOT_SENT, roomsNotTold, MetricUnit.COUNT);
        }
    }

    static void messageIn(String routeKey, ServerFrame reply) {
        Metrics metrics = metrics();
        metrics.addDimension(DimensionSet.of(MetricNames.ROUTE_DIMENSION, routeKey));
        metrics.addMetric(MetricNames.MESSAGES_IN, 1, MetricUnit.COUNT);
        if (reply instanceof ServerFrame.Error error) {
            metrics.addMetric(MetricNames.ERROR_REPLIES, 1, MetricUnit.COUNT);
            if (error.code() == ErrorCode.APPLICATION_TIMEOUT || error.code() == ErrorCode.HOOK_FAILED) {
                extensionFailed();
            }
        }
    }

    /** Events put on the bus, and those not put after the retries (the stream delivers them again). */
    static void events(int put, int notPut) {
        Metrics metrics = metrics();
        metrics.addMetric(MetricNames.EVENTS_PUT, put, MetricUnit.COUNT);
        if (notPut > 0) {
            metrics.addMetric(MetricNames.EVENTS_NOT_PUT, notPut, MetricUnit.COUNT);
        }
    }

    /** One of the application's functions did not answer in time, or could not be invoked: the frame was refused. */
    static void extensionFailed() {
        // Its own document with the service dimension alone, whatever route recorded it: one alarm covers all.
        metrics().flushSingleMetric(MetricNames.EXTENSION_FAILURES, 1, MetricUnit.COUNT, namespace(),
                DimensionSet.of(MetricNames.SERVICE_DIMENSION, service()));
    }

    static void broadcast(BroadcastResult result, Duration took) {
        if (result.undelivered() + result.deferred() > 0) {
            LOG.warn("broadcast to {} connection(s) in {} ms: delivered {}, gone {}, deferred {}, throttled {}, "
                    + "too large {}, failed {}", result.attempted(), took.toMillis(), result.delivered(),
                    result.gone(), result.deferred(), result.throttled(), result.tooLarge(), result.failed());
        }
        Metrics metrics = metrics();
        metrics.addMetric(MetricNames.FAN_OUT_SIZE, result.attempted(), MetricUnit.COUNT);
        metrics.addMetric(MetricNames.DELIVERIES, result.delivered(), MetricUnit.COUNT);
        metrics.addMetric(MetricNames.DELIVERIES_GONE, result.gone(), MetricUnit.COUNT);
        metrics.addMetric(MetricNames.DELIVERIES_DEFERRED, result.deferred(), MetricUnit.COUNT);
        metrics.addMetric(MetricNames.BROADCAST_DURATION, took.toNanos() / 1e6, MetricUnit.MILLISECONDS);
        if (result.undelivered() > 0) {
            // Its own document with the service dimension alone, whatever route recorded it: one alarm covers all.
            metrics.flushSingleMetric(MetricNames.DELIVERY_FAILURES, result.undelivered(), MetricUnit.COUNT,
                    namespace(), DimensionSet.of(MetricNames.SERVICE_DIMENSION, service()));
        }
    }
}
