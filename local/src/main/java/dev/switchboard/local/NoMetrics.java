package dev.switchboard.local;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Instant;
import java.util.function.Consumer;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricResolution;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools metrics that go nowhere. Outside Lambda, EMF would probe for EC2 metadata or a CloudWatch agent and
 * print JSON into the console; the local stack plugs this in through Powertools' own provider hook instead.
 */
final class NoMetrics implements Metrics {

    private DimensionSet defaults = new DimensionSet();

    @Override
    public void addMetric(String key, double value, MetricUnit unit, MetricResolution resolution) {
    }

    @Override
    public void addDimension(DimensionSet dimensionSet) {
    }

    @Override
    public void setTimestamp(Instant timestamp) {
    }

    @Override
    public void addMetadata(String key, Object value) {
    }

    @Override
    public void setDefaultDimensions(DimensionSet dimensionSet) {
        defaults = dimensionSet;
    }

    @Override
    public DimensionSet getDefaultDimensions() {
        return defaults;
    }

    @Override
    public void setNamespace(String namespace) {
    }

    @Override
    public void setRaiseOnEmptyMetrics(boolean raiseOnEmptyMetrics) {
    }

    @Override
    public void clearDefaultDimensions() {
        defaults = new DimensionSet();
    }

    @Override
    public void flush() {
    }

    @Override
    public void captureColdStartMetric(Context context, DimensionSet dimensions) {
    }

    @Override
    public void captureColdStartMetric(DimensionSet dimensions) {
    }

    @Override
    public void flushMetrics(Consumer<Metrics> metricsConsumer) {
    }
}
