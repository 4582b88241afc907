package dev.switchboard.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import software.amazon.awscdk.services.lambda.AssetCode;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The shaded functions jar the stack deploys: where a normal build leaves it, and the check that it is there. Kept
 * apart from {@link SwitchboardProps} so that the props stay a value that never touches the file system; the
 * builder looks the default jar up here, and the stack checks the jar where it makes the asset.
 *
 * <pre>{@code
 * Path jar = FunctionsJar.find(Path.of(""));   // functions/target/switchboard-functions-<version>-lambda.jar
 * }</pre>
 */
public final class FunctionsJar {

    private FunctionsJar() {
    }

    /**
     * The functions jar a normal build leaves at {@code functions/target/switchboard-functions-<version>-lambda.jar},
     * looked up from the repository root or from a module directory beside {@code functions/} (where
     * {@code cdk} and the tests run).
     */
    public static Path find(Path workingDir) {
        String name = "switchboard-functions-" + buildVersion() + "-lambda.jar";
        Path fromRoot = workingDir.resolve("functions").resolve("target").resolve(name);
        Path fromModule = workingDir.resolve("..").resolve("functions").resolve("target").resolve(name).normalize();
        return Files.isRegularFile(fromRoot) || !Files.isRegularFile(fromModule) ? fromRoot : fromModule;
    }

    /**
     * The jar, if it is a file; otherwise an error that says how to build it (CDK's own error for a missing asset
     * does not).
     */
    static Path requireBuilt(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("functions jar not found at " + jar.toAbsolutePath()
                    + ": build it first with './mvnw -DskipTests install' from the repository root,"
                    + " or pass -c " + ContextKeys.FUNCTIONS_JAR + "=<path>");
        }
        return jar;
    }

    /** The Lambda code every function of the stack runs: the jar, checked first. */
    static AssetCode asset(Path jar) {
        return Code.fromAsset(requireBuilt(jar).toString());
    }

    /** The Maven version this app was built as (the functions jar of the same build carries it). */
    static String buildVersion() {
        try (InputStream in = FunctionsJar.class.getResourceAsStream("/switchboard-infra.properties")) {
            if (in == null) {
                throw new IllegalStateException("switchboard-infra.properties is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return Objects.requireNonNull(properties.getProperty("version"), "version");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read switchboard-infra.properties", e);
        }
    }
}
