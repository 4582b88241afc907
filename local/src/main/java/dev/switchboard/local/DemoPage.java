package dev.switchboard.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** Serves the demo chat page and the JavaScript client from the classpath ({@code /web/...}), when present. */
public final class DemoPage implements StaticContent {

    private static final Map<String, String> TYPES = Map.of(
            ".html", "text/html; charset=utf-8",
            ".js", "text/javascript; charset=utf-8",
            ".mjs", "text/javascript; charset=utf-8",
            ".css", "text/css; charset=utf-8",
            ".d.ts", "text/plain; charset=utf-8");

    public static StaticContent fromClasspath() {
        return new DemoPage();
    }

    @Override
    public Optional<File> find(String path) {
        String name = path.equals("/") ? "/index.html" : path;
        if (name.contains("..") || !name.matches("/[A-Za-z0-9_./-]+")) {
            return Optional.empty();
        }
        try (InputStream in = DemoPage.class.getResourceAsStream("/web" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String type = TYPES.entrySet().stream().filter(e -> name.endsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("application/octet-stream");
            return Optional.of(new File(in.readAllBytes(), type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
