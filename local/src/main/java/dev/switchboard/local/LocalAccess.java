package dev.switchboard.local;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the local stack to this machine's own clients. A web page the developer visits may send requests to
 * {@code localhost} too: a WebSocket handshake or a form {@code POST} carries the page's {@code Origin}, and a page
 * whose domain is re-bound to 127.0.0.1 (DNS rebinding) still sends its own name as {@code Host}. So every request
 * must name this machine in {@code Host} (localhost, 127.0.0.1 or [::1], the listening address, or a name allowed
 * with {@code --allow-host}, always with the gateway's port), and a request that carries an {@code Origin} must come
 * from one of the stack's own origins (the demo page it serves) or one allowed with {@code --allow-origin}. Clients
 * that are not browsers (the SDKs, the Java client, {@code wscat}) send no {@code Origin} and pass.
 *
 * <pre>{@code
 * LocalAccess access = new LocalAccess(config, 3001);
 * access.check(request.headers());   // empty, or the refusal to answer with
 * }</pre>
 */
final class LocalAccess {

    /** Names of this machine every local stack answers to. */
    static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    /** Why a request is refused: 403 for a foreign {@code Host} or {@code Origin}, 415 for a body of another type. */
    record Refusal(int status, String errorType, String message) {
    }

    private final int port;
    private final Set<String> hosts = new LinkedHashSet<>();
    private final Set<String> origins = new LinkedHashSet<>();

    LocalAccess(EmulatorConfig config, int port) {
        this.port = port;
        hosts.addAll(LOOPBACK_HOSTS);
        listeningHost(config.host()).ifPresent(hosts::add);
        for (String host : config.allowedHosts()) {
            hosts.add(hostName(host));
        }
        for (String host : hosts) {
            origins.add(origin("http", host, port));
        }
        for (String origin : config.allowedOrigins()) {
            origins.add(normalizeOrigin(origin));
        }
    }

    /** The refusal for a request whose {@code Host} or {@code Origin} is not allowed; empty when it may pass. */
    Optional<Refusal> check(HttpHeaders headers) {
        String host = headers.get(HttpHeaderNames.HOST);
        if (host == null || !allowedHost(host)) {
            return Optional.of(new Refusal(403, "ForbiddenException", host == null
                    ? "Forbidden: a request must name this machine in its Host header"
                    : "Forbidden: Host '" + host + "' is not this local stack, which answers to " + String.join(", ",
                    hosts) + " on port " + port + "; start it with --allow-host NAME to answer to another name"));
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origins.contains(origin.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Refusal(403, "ForbiddenException", "Forbidden: pages from Origin '" + origin
                    + "' may not use this local stack; start it with --allow-origin " + origin
                    + " to let them"));
        }
        return Optional.empty();
    }

    /** The refusal for a {@code POST /publish} whose body is not declared as JSON; empty when it may pass. */
    static Optional<Refusal> checkJson(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.CONTENT_TYPE);
        CharSequence type = header == null ? null : HttpUtil.getMimeType(header);
        if (type != null && "application/json".contentEquals(type.toString().strip().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(new Refusal(415, "UnsupportedMediaTypeException",
                "Unsupported Media Type: POST /publish takes a JSON body sent with Content-Type: application/json"));
    }

    /** The origins whose pages may use the stack, as browsers write them. */
    Set<String> origins() {
        return Set.copyOf(origins);
    }

    private boolean allowedHost(String header) {
        String value = header.strip().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        String name = value;
        int requestedPort = 80;
        if (colon > value.lastIndexOf(']')) {
            name = value.substring(0, colon);
            try {
                requestedPort = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return requestedPort == port && hosts.contains(name);
    }

    /**
     * A flag's host name as a {@code Host} header writes it: lower case, an IPv6 literal in brackets. Throws
     * {@link IllegalArgumentException} for anything that is not a bare name or address.
     */
    static String hostName(String value) {
        String host = value.strip().toLowerCase(Locale.ROOT);
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        try {
            URI uri = new URI("http://" + host + "/");
            if (uri.getHost() == null || uri.getPort() != -1 || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("not a host name: '" + value + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a host name: '" + value + "'", e);
        }
        return host;
    }

    /**
     * An origin as browsers send it ({@code scheme://host[:port]}, lower case, no default port, no path). Throws
     * {@link IllegalArgumentException} for anything else.
     */
    static String normalizeOrigin(String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an origin: '" + value + "' (write scheme://host[:port])", e);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null || !bare) {
            throw new IllegalArgumentException("not an origin: '" + value + "' (write http(s)://host[:port])");
        }
        return origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort());
    }

    private static String origin(String scheme, String host, int port) {
        boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
                || ("https".equals(scheme) && port == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    /** The address the gateway listens on, when it is one address rather than every interface. */
    private static Optional<String> listeningHost(String host) {
        String bare = host.strip();
        if (bare.equals("0.0.0.0") || bare.equals("::") || bare.equals("[::]") || bare.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(hostName(bare));
    }
}
