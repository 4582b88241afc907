package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples in the public API's javadoc compile against the client as built: each {@code <pre>{@code ...}}
 * block becomes the body of a method whose parameters are the names the example uses without declaring.
 */
class JavadocExamplesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/switchboard/client");
    private static final Pattern BLOCK = Pattern.compile("<pre>\\{@code\\n(.*?)\\n\\s*\\* }</pre>", Pattern.DOTALL);
    /** What an example may use without declaring it, and its type. */
    private static final Map<String, String> CONTEXT = Map.of(
            "tokens", "TokenProvider",
            "client", "SwitchboardClient",
            "alice", "SwitchboardClient",
            "bob", "SwitchboardClient",
            "url", "URI",
            "http", "HttpClient",
            "tokenRequest", "HttpRequest");

    record Example(String file, int index, String code) {
        @Override
        public String toString() {
            return file + " #" + index;
        }
    }

    static List<Example> examples() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (String file : List.of("SwitchboardClient.java", "SwitchboardClientOptions.java", "TokenProvider.java")) {
            Matcher block = BLOCK.matcher(Files.readString(SOURCES.resolve(file)));
            int index = 0;
            while (block.find()) {
                String code = block.group(1).lines().map(line -> line.replaceFirst("^\\s*\\* ?", ""))
                        .reduce((a, b) -> a + "\n" + b).orElseThrow();
                examples.add(new Example(file, ++index, code));
            }
        }
        return examples;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void compiles(Example example) {
        String parameters = CONTEXT.entrySet().stream()
                .filter(name -> uses(example.code(), name.getKey()) && !declares(example.code(), name.getKey()))
                .map(name -> name.getValue() + " " + name.getKey())
                .reduce((a, b) -> a + ", " + b).orElse("");
        String source = """
                package example;

                import dev.switchboard.client.*;
                import dev.switchboard.protocol.*;
                import java.net.URI;
                import java.net.http.*;
                import java.time.Duration;
                import java.util.concurrent.*;

                class Example {
                    void run(%s) {
                %s
                    }
                }
                """.formatted(parameters, example.code());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///example/Example.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        Path out = outputDirectory();
        boolean compiled = javac.getTask(null, null, diagnostics, List.of("-proc:none", "-d", out.toString(),
                "-classpath", System.getProperty("java.class.path")), null, List.of(file)).call();

        assertThat(diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getLineNumber() + ": " + d.getMessage(null)))
                .as("errors compiling\n%s", source).isEmpty();
        assertThat(compiled).isTrue();
    }

    private static boolean uses(String code, String name) {
        return Pattern.compile("\\b" + name + "\\b").matcher(code).find();
    }

    private static boolean declares(String code, String name) {
        return Pattern.compile("[\\w.<>]+\\s+" + name + "\\s*=").matcher(code).find();
    }

    private static Path outputDirectory() {
        try {
            return Files.createDirectories(Path.of("target/javadoc-examples"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
