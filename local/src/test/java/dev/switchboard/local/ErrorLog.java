package dev.switchboard.local;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * For fuzz tests of the local stack: the console quiet below WARN, metrics discarded (as the local stack does),
 * and the ERROR lines recorded, where a caught but unexpected exception shows up.
 */
final class ErrorLog {

    private static final List<String> ERRORS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private ErrorLog() {
    }

    /** Idempotent: a fuzz test calls it for every input. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        MetricsFactory.setMetricsProvider(NoMetrics::new);
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
        for (LoggerConfig logger : config.getLoggers().values()) {
            for (String name : List.copyOf(logger.getAppenders().keySet())) {
                logger.removeAppender(name);
            }
            logger.setAdditive(false);
            logger.addAppender(recorder, Level.WARN, null);
            logger.setLevel(Level.WARN);
        }
        context.updateLoggers();
    }

    /** The ERROR lines logged since the last call. */
    static List<String> drain() {
        List<String> errors = List.copyOf(ERRORS);
        ERRORS.clear();
        return errors;
    }
}
