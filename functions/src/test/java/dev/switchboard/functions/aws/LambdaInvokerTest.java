package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.Invoked;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The Lambda invoker's requests and its reading of Lambda's answers, against a local endpoint. */
class LambdaInvokerTest {

    private static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:on-join";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private HttpServer server;

    private interface Answer {
        void answer(HttpExchange exchange, int call) throws IOException, InterruptedException;
    }

    private LambdaInvoker serving(Duration timeout, Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type") + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
            try {
                answer.answer(exchange, calls.incrementAndGet());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
        return LambdaInvoker.create(ARN, timeout,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Test
    void aSignedRequestResponseInvokeReturnsTheFunctionsAnswer() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(2), (exchange, call) ->
                send(exchange, 200, "{\"allow\":true}"));

        Invoked invoked = invoker.invoke("{\"hook\":\"onJoin\"}");

        assertThat(invoked).isEqualTo(new Invoked.Answered("{\"allow\":true}"));
        assertThat(requests).singleElement().asString()
                .startsWith("POST /2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction"
                        + "%3Aon-join/invocations RequestResponse AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/lambda/aws4_request")
                .endsWith(" {\"hook\":\"onJoin\"}");
    }

    @Test
    void aFunctionErrorIsAFailureNotAnAnswer() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(2), (exchange, call) -> send(exchange, 200,
                "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\"}",
                "X-Amz-Function-Error", "Unhandled"));

        assertThat(invoker.invoke("{}")).isEqualTo(new Invoked.Failed("the function failed (Unhandled)"));
    }

    @Test
    void throttlingIsTriedOnceMoreThenReportedUnreachable() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(2), (exchange, call) -> send(exchange, 429,
                "{\"message\":\"Rate Exceeded.\"}", "X-Amzn-ErrorType", "TooManyRequestsException"));

        Invoked invoked = invoker.invoke("{}");

        assertThat(invoked).isInstanceOf(Invoked.Unreachable.class);
        assertThat(((Invoked.Unreachable) invoked).reason()).contains("429", "TooManyRequestsException");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aServiceErrorIsNotRetriedBecauseTheFunctionMayHaveRun() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(2), (exchange, call) -> send(exchange, 500,
                "{\"message\":\"internal\"}", "X-Amzn-ErrorType", "ServiceException"));

        Invoked invoked = invoker.invoke("{}");

        assertThat(invoked).isInstanceOf(Invoked.Unreachable.class);
        assertThat(((Invoked.Unreachable) invoked).reason()).contains("500", "ServiceException");
        assertThat(calls).as("a non-idempotent function must not run twice").hasValue(1);
    }

    @Test
    void aRefusedInvokeIsAFailureAndNotRetried() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(2), (exchange, call) -> send(exchange, 403,
                "{\"message\":\"not authorized\"}", "X-Amzn-ErrorType", "AccessDeniedException"));

        assertThat(invoker.invoke("{}")).isInstanceOf(Invoked.Failed.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anAnswerLaterThanTheTimeoutIsATimeout() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofMillis(300), (exchange, call) -> {
            Thread.sleep(1_500);
            send(exchange, 200, "{\"allow\":true}");
        });

        assertThat(invoker.invoke("{}")).isEqualTo(new Invoked.TimedOut());
    }

    @Test
    void anOversizeAnswerIsRefusedNotBuffered() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(2), (exchange, call) ->
                send(exchange, 200, "\"" + "x".repeat(LambdaInvoker.MAX_ANSWER_BYTES) + "\""));

        assertThat(invoker.invoke("{}")).isInstanceOf(Invoked.Failed.class);
    }

    @Test
    void nothingListeningIsUnreachable() throws IOException {
        LambdaInvoker invoker = serving(Duration.ofSeconds(1), (exchange, call) -> send(exchange, 200, "{}"));
        server.stop(0);
        server = null;

        assertThat(invoker.invoke("{}")).isInstanceOf(Invoked.Unreachable.class);
    }
}
