package dev.switchboard.local;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client of the handlers' {@code @connections} SDK client in the local stack: it hands each request the
 * SDK has built and signed to the emulator's {@link ManagementApi} in this JVM, and gives the SDK the answer as
 * API Gateway would send it (status, {@code x-amzn-ErrorType}, JSON body), so {@code ManagementApiSender} and
 * the SDK's marshalling, signing and error mapping run as in Lambda while no socket, HTTP parsing or event-loop
 * hop is spent per post. A delivered post answers after the configured post latency, as over HTTP.
 *
 * <pre>{@code
 * InProcessManagementApi transport = new InProcessManagementApi("local");
 * ApiGatewayManagementApiClient client = AwsClients.managementApi(endpoint, region, credentials, transport);
 * transport.attach(gateway.managementApi());   // once the gateway runs
 * }</pre>
 */
final class InProcessManagementApi implements SdkHttpClient {

    private final String pathPrefix;
    private volatile ManagementApi target;

    InProcessManagementApi(String stage) {
        this.pathPrefix = "/" + Objects.requireNonNull(stage, "stage") + "/@connections/";
    }

    /** Connects the client to the gateway's API once the gateway exists (the handlers are built before it). */
    void attach(ManagementApi api) {
        target = Objects.requireNonNull(api, "api");
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
                // Served synchronously on the caller's thread: nothing in flight to abort.
            }
        };
    }

    private HttpExecuteResponse execute(HttpExecuteRequest request) throws IOException {
        ManagementApi api = target;
        if (api == null) {
            throw new IOException("the local gateway is not running yet");
        }
        SdkHttpRequest http = request.httpRequest();
        HttpMethod method = HttpMethod.valueOf(http.method().name());
        String path = http.encodedPath();
        ManagementApi.Answer answer;
        if (!path.startsWith(pathPrefix)) {
            answer = ManagementApi.Answer.error(403, "ForbiddenException", "Forbidden");
        } else {
            byte[] body = request.contentStreamProvider().isPresent()
                    ? readAll(request.contentStreamProvider().get().newStream()) : new byte[0];
            answer = api.handle(method, QueryStringDecoder.decodeComponent(path.substring(pathPrefix.length())),
                    Unpooled.wrappedBuffer(body));
        }
        Duration latency = api.postLatency();
        if (method.equals(HttpMethod.POST) && answer.status() == 200 && !latency.isZero()) {
            pause(latency);
        }
        return response(answer);
    }

    private static HttpExecuteResponse response(ManagementApi.Answer answer) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        SdkHttpResponse.Builder response = SdkHttpResponse.builder()
                .statusCode(answer.status())
                .putHeader("x-amzn-RequestId", EventFactory.newId())
                .putHeader("Content-Length", Integer.toString(body.length));
        if (!answer.body().isEmpty()) {
            response.putHeader("Content-Type", "application/json");
        }
        if (answer.errorType() != null) {
            response.putHeader("x-amzn-ErrorType", answer.errorType());
        }
        return HttpExecuteResponse.builder().response(response.build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void pause(Duration latency) throws InterruptedIOException {
        try {
            Thread.sleep(latency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting out the post latency");
        }
    }

    @Override
    public String clientName() {
        return "SwitchboardLocalInProcess";
    }

    @Override
    public void close() {
        // Nothing held: the gateway owns the connections.
    }
}
