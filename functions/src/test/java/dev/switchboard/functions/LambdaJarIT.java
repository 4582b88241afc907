package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.functions.aws.LocalDynamoDb;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment package itself: a fresh JVM with only the shaded jar (and the smoke driver) on its classpath
 * loads the handlers through their no-argument constructors, answers, and writes Powertools JSON logs and EMF
 * metrics — which fails if the shade step drops a service file or Log4j plugin.
 */
class LambdaJarIT {

    @Test
    void shadedJarRunsHandlersWithStructuredLogsAndMetrics() throws IOException, InterruptedException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).findFirst().orElseThrow();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp",
                jar + File.pathSeparator + "target/test-classes", JarSmoke.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("SWITCHBOARD_AUTH_MODE", "off");
        builder.environment().put("SWITCHBOARD_TABLE", LocalDynamoDb.newTable());
        builder.environment().put("SWITCHBOARD_DYNAMODB_ENDPOINT", LocalDynamoDb.client().serviceClientConfiguration()
                .endpointOverride().orElseThrow().toString());
        // Nothing is posted; an unroutable endpoint shows if something were.
        builder.environment().put("SWITCHBOARD_MANAGEMENT_ENDPOINT", "http://127.0.0.1:9/smoke");
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_ACCESS_KEY_ID", "local");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "local");
        builder.environment().put("AWS_EMF_ENVIRONMENT", "Local");
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "switchboard");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SMOKE-OK");
        assertThat(output.lines()).anySatisfy(line -> assertThat(line).startsWith("{")
                .contains("\"function_name\":\"switchboard-authorizer\"").contains("decision=allow"));
        assertThat(output).contains("authentication is OFF");
        assertThat(output.lines()).anySatisfy(line -> assertThat(line).contains("\"_aws\"")
                .contains("\"MessagesIn\":1.0"));
        assertThat(output).doesNotContain("ERROR StatusLogger").doesNotContain("Unrecognized format specifier");
    }
}
