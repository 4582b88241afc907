package dev.switchboard.functions.aws;

import dev.switchboard.core.Invoked;
import dev.switchboard.core.Invoker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Invokes a Lambda function synchronously ({@code RequestResponse}) with Lambda's {@code Invoke} API, signed with the
 * SDK's SigV4 signer and sent with the SDK's URL connection client.
 *
 * <p>Why not the SDK's {@code lambda} client: the SDK version the project pins (see the parent pom) is not served
 * with a {@code lambda} module, and a newer {@code lambda} module fails against the pinned core
 * ({@code NoClassDefFoundError}). {@code Invoke} is one signed POST, so this adapter makes it with the same signer and
 * HTTP client the SDK's clients use; it can become a {@code LambdaClient} call once the SDK is moved to a version
 * that has both.
 *
 * <p>Timeout: the function's whole answer must arrive within the invoker's timeout (the socket's read timeout);
 * an invoke that certainly did not run the function (throttled with 429, no connection made) is tried once more
 * while at most half the timeout has gone. Nothing else is retried: a 5xx from Lambda or a connection lost while
 * waiting may come after the function ran, and an application's function need not be idempotent.
 *
 * <pre>{@code
 * Invoker onJoin = LambdaInvoker.create("arn:aws:lambda:eu-west-1:123456789012:function:on-join",
 *         Duration.ofSeconds(3), DefaultCredentialsProvider.builder().build(), Optional.empty());
 * }</pre>
 */
public final class LambdaInvoker implements Invoker {

    /** Most bytes of an answer read: larger answers are refused, not buffered. */
    static final int MAX_ANSWER_BYTES = 256 * 1024;
    private static final Pattern ARN = Pattern.compile("arn:(aws[a-z-]*):lambda:([a-z0-9-]+):\\d{12}:function:.+");
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final String functionArn;
    private final Region region;
    private final URI endpoint;
    private final Duration timeout;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    private LambdaInvoker(String functionArn, Region region, URI endpoint, Duration timeout,
                          AwsCredentialsProvider credentials, SdkHttpClient http) {
        this.functionArn = functionArn;
        this.region = region;
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.credentials = credentials;
        this.http = http;
    }

    /**
     * An invoker of one function, in the function's own region (from its ARN).
     *
     * @param endpoint where to send invokes instead of Lambda's regional endpoint (tests, emulators)
     * @throws IllegalArgumentException for something that is not a Lambda function ARN
     */
    public static LambdaInvoker create(String functionArn, Duration timeout, AwsCredentialsProvider credentials,
                                       Optional<URI> endpoint) {
        Matcher arn = ARN.matcher(Objects.requireNonNull(functionArn, "functionArn"));
        if (!arn.matches()) {
            throw new IllegalArgumentException("not a Lambda function ARN: " + functionArn);
        }
        Region region = Region.of(arn.group(2));
        URI target = endpoint.orElseGet(() -> URI.create("https://lambda." + region.id() + "."
                + ("aws-cn".equals(arn.group(1)) ? "amazonaws.com.cn" : "amazonaws.com")));
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT)
                .socketTimeout(timeout)
                .build();
        return new LambdaInvoker(functionArn, region, target, timeout, Objects.requireNonNull(credentials), http);
    }

    @Override
    public Invoked invoke(String eventJson) {
        long start = System.nanoTime();
        Attempt first = attempt(eventJson);
        if (first.neverRan()
                && Duration.ofNanos(System.nanoTime() - start).compareTo(timeout.dividedBy(2)) < 0) {
            return attempt(eventJson).outcome();
        }
        return first.outcome();
    }

    /**
     * One try's outcome, and whether the function certainly did not run: only then is trying again harmless, since
     * an application's function need not be idempotent (a 5xx from Lambda, or a connection lost while waiting for the
     * answer, may come after the function ran).
     */
    private record Attempt(Invoked outcome, boolean neverRan) {
    }

    private Attempt attempt(String eventJson) {
        byte[] payload = eventJson.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(basePath() + "/2015-03-31/functions/" + SdkHttpUtils.urlEncode(functionArn)
                        + "/invocations")
                .putHeader("X-Amz-Invocation-Type", "RequestResponse")
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(payload.length))
                .build();
        try {
            SignedRequest signed = signer.sign(r -> r
                    .identity(credentials.resolveIdentity().join())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(payload))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElseThrow())
                    .build()).call();
            int status = response.httpResponse().statusCode();
            String body = read(response);
            if (status == 429) {
                // Throttled: Lambda refused the invoke before running the function.
                return new Attempt(new Invoked.Unreachable("Lambda answered " + status + errorType(response)), true);
            }
            if (status >= 500) {
                return ran(new Invoked.Unreachable("Lambda answered " + status + errorType(response)));
            }
            if (status != 200) {
                return ran(new Invoked.Failed("Lambda refused the invoke: " + status + errorType(response)));
            }
            Optional<String> functionError = response.httpResponse().firstMatchingHeader("X-Amz-Function-Error");
            if (functionError.isPresent()) {
                return ran(new Invoked.Failed("the function failed (" + functionError.get() + ")"));
            }
            return ran(body == null ? new Invoked.Failed("the answer is larger than " + MAX_ANSWER_BYTES + " bytes")
                    : new Invoked.Answered(body));
        } catch (SocketTimeoutException e) {
            return ran(new Invoked.TimedOut());
        } catch (ConnectException | UnknownHostException e) {
            // No connection was made, so nothing reached Lambda.
            return new Attempt(new Invoked.Unreachable(e.getClass().getSimpleName()), true);
        } catch (IOException | UncheckedIOException e) {
            return ran(e.getCause() instanceof SocketTimeoutException ? new Invoked.TimedOut()
                    : new Invoked.Unreachable(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            // No credentials, a signing failure: nothing a later call by the same client would change.
            return ran(new Invoked.Unreachable(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** An outcome after which the function may have run (or trying again would change nothing): not retried. */
    private static Attempt ran(Invoked outcome) {
        return new Attempt(outcome, false);
    }

    private String basePath() {
        String path = endpoint.getRawPath();
        return path == null || path.equals("/") ? "" : path.replaceAll("/$", "");
    }

    private static String errorType(HttpExecuteResponse response) {
        return response.httpResponse().firstMatchingHeader("X-Amzn-ErrorType").map(type -> " (" + type + ")")
                .orElse("");
    }

    /** The body as text, or null when it is larger than {@link #MAX_ANSWER_BYTES}. */
    private static String read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return "";
        }
        try (InputStream in = response.responseBody().get()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            return bytes.length > MAX_ANSWER_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
