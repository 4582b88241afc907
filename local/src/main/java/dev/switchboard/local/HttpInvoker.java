package dev.switchboard.local;

import dev.switchboard.core.Invoked;
import dev.switchboard.core.Invoker;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The application's function as an HTTP endpoint, in any language: the event is POSTed as JSON and the response
 * body is the answer. A 2xx with a body answers; any other status is a failure (5xx and 429: worth a retry); no
 * answer within the timeout is a timeout.
 *
 * <pre>{@code
 * Invoker typing = HttpInvoker.of(URI.create("http://127.0.0.1:8080/typing"), Duration.ofSeconds(10));
 * }</pre>
 */
final class HttpInvoker implements Invoker {

    /** Most bytes of an answer read; larger ones are refused, not buffered. */
    private static final int MAX_ANSWER_BYTES = 256 * 1024;

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final URI url;
    private final Duration timeout;

    private HttpInvoker(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
    }

    /**
     * @throws IllegalArgumentException for anything but an absolute http or https URL with a host (no user info)
     */
    static HttpInvoker of(URI url, Duration timeout) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + url + "' needs a host, and no user info or fragment");
        }
        return new HttpInvoker(url, Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public Invoked invoke(String eventJson) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(eventJson, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_ANSWER_BYTES + 1);
            }
            int status = response.statusCode();
            if (status == 429 || status >= 500) {
                return new Invoked.Unreachable(url + " answered " + status);
            }
            if (status < 200 || status >= 300) {
                return new Invoked.Failed(url + " answered " + status);
            }
            if (body.length > MAX_ANSWER_BYTES) {
                return new Invoked.Failed("the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return new Invoked.Answered(new String(body, StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return e instanceof java.net.http.HttpConnectTimeoutException
                    ? new Invoked.Unreachable(url + ": connect timed out") : new Invoked.TimedOut();
        } catch (ConnectException e) {
            return new Invoked.Unreachable(url + ": connection refused");
        } catch (IOException e) {
            return new Invoked.Unreachable(url + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Invoked.Unreachable("interrupted");
        }
    }
}
