package dev.switchboard.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.switchboard.core.Invoked;
import dev.switchboard.core.Invoker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's function in-process: a {@link RequestStreamHandler}, the very class a team deploys as its
 * Lambda, given the event's bytes and a context whose remaining time counts down from the timeout. A handler that
 * runs past the timeout is interrupted and its answer, should one come, is dropped; one that throws is a failure.
 *
 * <pre>{@code
 * Invoker typing = ClassInvoker.load("com.example.TypingHandler", loader, Duration.ofSeconds(10));
 * }</pre>
 */
final class ClassInvoker implements Invoker {

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Application");
    /** Most bytes of an answer kept, as Lambda's invoker reads no more. */
    private static final int MAX_ANSWER_BYTES = 256 * 1024;

    private final String className;
    private final RequestStreamHandler handler;
    private final Duration timeout;
    private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();

    private ClassInvoker(String className, RequestStreamHandler handler, Duration timeout) {
        this.className = className;
        this.handler = handler;
        this.timeout = timeout;
    }

    /**
     * Loads and instantiates the handler class (public, with a public no-argument constructor, as Lambda needs).
     *
     * @throws IllegalArgumentException when it is not found or not a {@link RequestStreamHandler}
     */
    static ClassInvoker load(String className, ClassLoader loader, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class " + className + " is not on the classpath (--classpath)");
        }
        if (!RequestStreamHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("class " + className + " does not implement "
                    + RequestStreamHandler.class.getName());
        }
        try {
            return new ClassInvoker(className,
                    (RequestStreamHandler) type.getConstructor().newInstance(), timeout);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("class " + className + " could not be created: it needs a public"
                    + " no-argument constructor (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public Invoked invoke(String eventJson) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Future<byte[]> run = runner.submit(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out,
                    new LocalContext(className, deadline));
            return out.toByteArray();
        });
        try {
            byte[] answer = run.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (answer.length > MAX_ANSWER_BYTES) {
                return new Invoked.Failed("the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return new Invoked.Answered(new String(answer, StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            run.cancel(true);
            return new Invoked.TimedOut();
        } catch (ExecutionException e) {
            LOG.warn("{} threw", className, e.getCause());
            return new Invoked.Failed(className + " threw " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            run.cancel(true);
            Thread.currentThread().interrupt();
            return new Invoked.Unreachable("interrupted while " + className + " ran");
        }
    }

    /** What a handler may ask of its context; the rest is what a local run has. */
    private record LocalContext(String functionName, long deadlineNanos) implements Context {
        @Override
        public String getAwsRequestId() {
            return UUID.randomUUID().toString();
        }

        @Override
        public String getLogGroupName() {
            return "/local/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:local:000000000000:function:" + functionName.replaceAll("[^A-Za-z0-9_-]", "-");
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    LOG.info("{}: {}", functionName, message);
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
