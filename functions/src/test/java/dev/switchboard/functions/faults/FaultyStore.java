package dev.switchboard.functions.faults;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * A fault-injecting proxy in front of DynamoDB Local, as the HTTP client of the handlers' real DynamoDB SDK client:
 * a set fraction of requests fails, as DynamoDB fails, and the SDK's own retries (as configured in Lambda) see
 * the failures. Each failed request is one of:
 * <ul>
 *   <li>throttled: 400 {@code ProvisionedThroughputExceededException}, not executed;</li>
 *   <li>a server error: 500 {@code InternalServerError}, not executed;</li>
 *   <li>a timeout before DynamoDB saw the request;</li>
 *   <li>a timeout after DynamoDB executed it: the write happened, the answer is lost.</li>
 * </ul>
 * Besides, a set fraction of operations meets an outage: every attempt the SDK makes fails (a 500 or a timeout,
 * before or after the write), so the failure reaches the handler. Which requests fail is drawn from the seed and
 * the request's place in its invocation ({@link Scope}), not from timing.
 */
final class FaultyStore implements SdkHttpClient {

    enum Fault { THROTTLED, SERVER_ERROR, TIMEOUT, RESPONSE_LOST }

    private static final Fault[] OUTAGE = {Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.RESPONSE_LOST};
    private static final Pattern ATTEMPT = Pattern.compile("attempt=(\\d+)");
    private static final String ERROR_TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#";

    private final SdkHttpClient delegate;
    private final Draws draws;
    private final double rate;
    private final double outageRate;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final Map<Fault, AtomicInteger> faults = new EnumMap<>(Fault.class);
    /** Whether each operation's latest attempt failed: those still true at the end failed the operation. */
    private final Map<String, Boolean> lastAttemptFailed = new ConcurrentHashMap<>();

    /**
     * @param rate       fraction of requests that fail
     * @param outageRate fraction of operations whose every attempt fails
     */
    FaultyStore(SdkHttpClient delegate, Draws draws, double rate, double outageRate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.draws = draws;
        this.rate = rate;
        this.outageRate = outageRate;
        for (Fault fault : Fault.values()) {
            faults.put(fault, new AtomicInteger());
        }
    }

    int requests() {
        return requests.get();
    }

    /** Requests that were the SDK's retries of an operation. */
    int retries() {
        return retries.get();
    }

    int operations() {
        return lastAttemptFailed.size();
    }

    /** Operations whose every attempt the SDK made failed: these reached the handlers as exceptions. */
    int failedOperations() {
        return (int) lastAttemptFailed.values().stream().filter(failed -> failed).count();
    }

    int faults(Fault fault) {
        return faults.get(fault).get();
    }

    int faults() {
        return faults.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return execute(request);
            }

            @Override
            public void abort() {
                // Runs on the caller's thread; nothing to abort from elsewhere.
            }
        };
    }

    private HttpExecuteResponse execute(HttpExecuteRequest request) throws IOException {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("unknown");
        String operation = target.substring(target.indexOf('.') + 1);
        int attempt = request.httpRequest().firstMatchingHeader("amz-sdk-request").map(ATTEMPT::matcher)
                .filter(Matcher::find).map(m -> Integer.parseInt(m.group(1))).orElse(1);
        String name = Scope.current().operation(operation, attempt) + "@" + attempt;
        requests.incrementAndGet();
        if (attempt > 1) {
            retries.incrementAndGet();
        }
        String key = name.substring(0, name.lastIndexOf('@'));
        boolean outage = draws.chance(key + "/outage", outageRate);
        if (!outage && !draws.chance(name, rate)) {
            lastAttemptFailed.put(key, false);
            return delegate.prepareRequest(request).call();
        }
        // An outage is not throttling: the SDK backs off from throttling for up to a minute before it gives up.
        Fault fault = outage ? OUTAGE[draws.below(name + "/kind", OUTAGE.length)]
                : Fault.values()[draws.below(name + "/kind", Fault.values().length)];
        faults.get(fault).incrementAndGet();
        lastAttemptFailed.put(key, true);
        return switch (fault) {
            case THROTTLED -> error(400, "ProvisionedThroughputExceededException",
                    "The level of configured provisioned throughput for the table was exceeded.");
            case SERVER_ERROR -> error(500, "InternalServerError", "Internal server error");
            case TIMEOUT -> throw new SocketTimeoutException("Read timed out (injected, before the request)");
            case RESPONSE_LOST -> {
                HttpExecuteResponse executed = delegate.prepareRequest(request).call();
                if (executed.responseBody().isPresent()) {
                    try (InputStream body = executed.responseBody().get()) {
                        body.readAllBytes();
                    }
                }
                throw new SocketTimeoutException("Read timed out (injected, after DynamoDB executed the request)");
            }
        };
    }

    /** An error as DynamoDB answers it (JSON 1.0 protocol: the type in the body). */
    private static HttpExecuteResponse error(int status, String type, String message) {
        byte[] body = ("{\"__type\":\"" + ERROR_TYPE_PREFIX + type + "\",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        SdkHttpResponse response = SdkHttpResponse.builder()
                .statusCode(status)
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("Content-Length", Integer.toString(body.length))
                .putHeader("x-amzn-RequestId", "injected-fault")
                .build();
        return HttpExecuteResponse.builder().response(response)
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
    }

    @Override
    public String clientName() {
        return "FaultInjecting";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
