package dev.switchboard.local;

import dev.switchboard.core.ExtensionLimits;
import dev.switchboard.core.Hooks;
import dev.switchboard.core.Invoker;
import dev.switchboard.protocol.ApplicationRoutes;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The application's own functions in the local runtime, from command-line flags: application routes and hooks, each
 * a handler class (a {@code RequestStreamHandler} on {@code --classpath}, the class the team deploys as its Lambda)
 * or an HTTP URL (any language: the event is POSTed, the response body is the answer).
 *
 * <pre>{@code
 * ./switchboard local --route typing=com.example.TypingHandler --classpath build/classes
 * ./switchboard local --route typing=http://127.0.0.1:8080/typing --hook onJoin=http://127.0.0.1:8080/join
 * }</pre>
 *
 * @param routes       application route names and their targets (class name or URL)
 * @param hooks        hook names ({@code onConnect}, {@code onJoin}, {@code onSend}) and their targets
 * @param classpath    directories and jars the handler classes are loaded from
 * @param routeTimeout how long an application route may take
 * @param hookTimeout  how long a hook may take
 */
public record LocalExtensions(Map<String, String> routes, Map<String, String> hooks, List<Path> classpath,
                              Duration routeTimeout, Duration hookTimeout) {

    public static final String USAGE = """
              --route NAME=TARGET   an application route: frames {"action":"NAME",...} go to TARGET, a handler
                                    class (RequestStreamHandler, on --classpath) or an http(s) URL; repeatable
              --hook HOOK=TARGET    onConnect, onJoin or onSend, served by TARGET as above
              --classpath PATHS     directories and jars holding the handler classes (separated by %s)
              --route-timeout-ms N  how long an application route may take (default %d)
              --hook-timeout-ms N   how long a hook may take (default %d); past it the frame is refused
            """.formatted(java.io.File.pathSeparator, ExtensionLimits.DEFAULT_ROUTE_TIMEOUT.toMillis(),
            ExtensionLimits.DEFAULT_HOOK_TIMEOUT.toMillis());

    /** The hooks there are. */
    public static final Set<String> HOOK_NAMES = Set.of("onConnect", "onJoin", "onSend");

    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    public LocalExtensions {
        routes = Map.copyOf(routes);
        hooks = Map.copyOf(hooks);
        classpath = List.copyOf(classpath);
        routes.forEach((name, target) -> {
            ApplicationRoutes.problem(name).ifPresent(problem -> {
                throw new IllegalArgumentException("--route " + problem);
            });
            checkTarget("--route " + name, target);
        });
        hooks.forEach((name, target) -> {
            if (!HOOK_NAMES.contains(name)) {
                throw new IllegalArgumentException("--hook takes onConnect, onJoin or onSend, not '" + name + "'");
            }
            checkTarget("--hook " + name, target);
        });
        for (Path entry : classpath) {
            if (!Files.exists(entry)) {
                throw new IllegalArgumentException("--classpath: " + entry + " does not exist");
            }
        }
        try {
            ExtensionLimits.requireRouteTimeout(routeTimeout);
            ExtensionLimits.requireHookTimeout(hookTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--route-timeout-ms, --hook-timeout-ms: " + e.getMessage());
        }
    }

    /** No routes, no hooks. */
    public static LocalExtensions none() {
        return new LocalExtensions(Map.of(), Map.of(), List.of(), ExtensionLimits.DEFAULT_ROUTE_TIMEOUT,
                ExtensionLimits.DEFAULT_HOOK_TIMEOUT);
    }

    /** The extensions the flags name, and the other flags, left for {@link LocalRuntimeOptions#parse}. */
    public record Parsed(LocalExtensions extensions, String[] rest) {
    }

    /** Takes this class's flags out of the command line; throws {@link IllegalArgumentException} for a bad one. */
    public static Parsed parse(String... args) {
        Map<String, String> routes = new LinkedHashMap<>();
        Map<String, String> hooks = new LinkedHashMap<>();
        List<Path> classpath = new ArrayList<>();
        Duration routeTimeout = ExtensionLimits.DEFAULT_ROUTE_TIMEOUT;
        Duration hookTimeout = ExtensionLimits.DEFAULT_HOOK_TIMEOUT;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--route" -> pair(flag, value(args, ++i, flag), routes);
                case "--hook" -> pair(flag, value(args, ++i, flag), hooks);
                case "--classpath" -> Arrays.stream(value(args, ++i, flag).split(java.io.File.pathSeparator))
                        .filter(entry -> !entry.isBlank()).map(Path::of).forEach(classpath::add);
                case "--route-timeout-ms" -> routeTimeout = Duration.ofMillis(number(flag, value(args, ++i, flag)));
                case "--hook-timeout-ms" -> hookTimeout = Duration.ofMillis(number(flag, value(args, ++i, flag)));
                default -> rest.add(flag);
            }
        }
        return new Parsed(new LocalExtensions(routes, hooks, classpath, routeTimeout, hookTimeout),
                rest.toArray(String[]::new));
    }

    public LocalExtensions withRoute(String name, String target) {
        Map<String, String> more = new LinkedHashMap<>(routes);
        more.put(name, target);
        return new LocalExtensions(more, hooks, classpath, routeTimeout, hookTimeout);
    }

    public LocalExtensions withHook(String name, String target) {
        Map<String, String> more = new LinkedHashMap<>(hooks);
        more.put(name, target);
        return new LocalExtensions(routes, more, classpath, routeTimeout, hookTimeout);
    }

    public LocalExtensions withTimeouts(Duration route, Duration hook) {
        return new LocalExtensions(routes, hooks, classpath, route, hook);
    }

    /**
     * The invoker of each application route, every handler class loaded and created now, so a wrong name fails the
     * start rather than the first call.
     */
    Map<String, Invoker> routeInvokers() {
        ClassLoader loader = loader();
        Map<String, Invoker> invokers = new LinkedHashMap<>();
        routes.forEach((name, target) -> invokers.put(name, invoker(target, routeTimeout, loader)));
        return invokers;
    }

    /** The hooks configured, each handler class loaded and created now. */
    Hooks hookInvokers() {
        return Hooks.invoking(hook("onConnect").orElse(null), hook("onJoin").orElse(null),
                hook("onSend").orElse(null), Clock.systemUTC());
    }

    /** The invoker of a hook, when it is configured. */
    Optional<Invoker> hook(String name) {
        return Optional.ofNullable(hooks.get(name)).map(target -> invoker(target, hookTimeout, loader()));
    }

    private static Invoker invoker(String target, Duration timeout, ClassLoader loader) {
        return isUrl(target) ? HttpInvoker.of(URI.create(target), timeout)
                : ClassInvoker.load(target, loader, timeout);
    }

    private ClassLoader loader() {
        ClassLoader parent = LocalExtensions.class.getClassLoader();
        if (classpath.isEmpty()) {
            return parent;
        }
        URL[] urls = classpath.stream().map(path -> {
            try {
                return path.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--classpath: " + path + " is not a usable path");
            }
        }).toArray(URL[]::new);
        // The handler classes implement RequestStreamHandler as the runtime loads it: the parent's, shared.
        return new URLClassLoader("application", urls, parent);
    }

    private static boolean isUrl(String target) {
        return target.contains("://");
    }

    private static void checkTarget(String flag, String target) {
        if (isUrl(target)) {
            try {
                HttpInvoker.of(URI.create(target), ExtensionLimits.DEFAULT_HOOK_TIMEOUT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage());
            }
        } else if (!CLASS_NAME.matcher(target).matches()) {
            throw new IllegalArgumentException(flag + ": '" + target + "' is neither a class name nor an http(s) URL");
        }
    }

    private static void pair(String flag, String value, Map<String, String> into) {
        int equals = value.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException(flag + " takes NAME=TARGET, got '" + value + "'");
        }
        String name = value.substring(0, equals);
        if (into.put(name, value.substring(equals + 1)) != null) {
            throw new IllegalArgumentException(flag + " names '" + name + "' twice");
        }
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    private static long number(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
        }
    }
}
