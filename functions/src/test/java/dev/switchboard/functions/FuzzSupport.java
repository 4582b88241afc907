package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * What the fuzz tests of the handlers share: events read by the Lambda runtime's own serializers, metrics that go
 * nowhere (EMF would print a JSON line per invocation), and the handlers' error log, where a caught but
 * unexpected exception shows up.
 */
final class FuzzSupport {

    private static final List<String> ERRORS = new CopyOnWriteArrayList<>();
    private static final Map<Class<?>, PojoSerializer<?>> SERIALIZERS = new ConcurrentHashMap<>();
    private static boolean installed;

    private FuzzSupport() {
    }

    /**
     * Silences the console below WARN, records ERROR lines, and discards metrics. Idempotent: a fuzz test calls
     * it for every input.
     */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Metrics none = (Metrics) Proxy.newProxyInstance(Metrics.class.getClassLoader(), new Class<?>[] {Metrics.class},
                (proxy, method, args) -> method.getName().equals("toString") ? "no metrics" : null);
        MetricsFactory.setMetricsProvider(() -> none);

        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        AbstractAppender recorder = new AbstractAppender("fuzz-errors", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.ERROR)) {
                    ERRORS.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage()
                            + Optional.ofNullable(event.getThrown()).map(t -> " (" + t + ")").orElse(""));
                }
            }
        };
        recorder.start();
        config.addAppender(recorder);
        for (LoggerConfig logger : List.of(config.getLoggerConfig("dev.switchboard"), config.getRootLogger())) {
            for (String name : List.copyOf(logger.getAppenders().keySet())) {
                logger.removeAppender(name);
            }
            logger.addAppender(recorder, Level.WARN, null);
            logger.setLevel(Level.WARN);
        }
        context.updateLoggers();
    }

    /** The ERROR lines logged since the last call. */
    static List<String> drainErrors() {
        List<String> errors = List.copyOf(ERRORS);
        ERRORS.clear();
        return errors;
    }

    /**
     * Reads an event as the Lambda runtime would. Empty when the runtime itself could not (then Lambda fails the
     * invocation before any handler code runs).
     */
    static <T> Optional<T> event(Class<T> type, byte[] json) {
        @SuppressWarnings("unchecked")
        PojoSerializer<T> serializer = (PojoSerializer<T>) SERIALIZERS.computeIfAbsent(type,
                t -> LambdaEventSerializers.serializerFor(t, FuzzSupport.class.getClassLoader()));
        try {
            return Optional.ofNullable(serializer.fromJson(new ByteArrayInputStream(json)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
