package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The synthesized templates checked by cfn-lint, AWS's CloudFormation linter, which knows nothing of CDK: every
 * resource type, property and value against CloudFormation's own schemas. Any error fails the build, and so does
 * any warning except the one docs/deploy.md lists (W3005 on a function's role). Skipped, loudly, where cfn-lint is
 * not on the PATH. The templates stay in {@code target/cfn-lint/} for a look.
 */
class CfnLintTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OUT = Path.of("target", "cfn-lint");
    /** W3005's message for a DependsOn that repeats a GetAtt: the dependency, and where the GetAtt is. */
    private static final Pattern REPEATED_GET_ATT = Pattern.compile(
            "'(\\w+)' dependency already enforced by a 'GetAtt' at 'Resources/(\\w+)/Properties/(\\w+)'");

    /** cfn-lint on the PATH; aborts the test, with a warning on the console, where there is none. */
    private static Path cfnLint() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "cfn-lint"))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty()) {
            String warning = "WARNING: cfn-lint is not on the PATH, so the synthesized CloudFormation templates were "
                    + "NOT linted (install it with: pip install cfn-lint)";
            System.err.println(warning);
            Assumptions.abort(warning);
        }
        return found.orElseThrow();
    }

    @Test
    void everyDeploymentsTemplatePassesCfnLint() throws Exception {
        Path cfnLint = cfnLint();
        Map<String, JsonNode> templates = new LinkedHashMap<>();
        Map<String, SwitchboardProps> deployments = new LinkedHashMap<>();
        deployments.put("defaults", Deployments.defaults());
        deployments.put("every-option", Deployments.everyOption());
        deployments.put("existing-secret", Deployments.existingSecret());
        deployments.put("without-fanout", Deployments.withoutFanout());
        deployments.put("custom-domain-in-zone", Deployments.customDomainInZone());
        deployments.put("custom-domain-with-certificate", Deployments.customDomainWithCertificate());
        deployments.put("event-stream", Deployments.eventStream());
        deployments.put("with-extensions", Deployments.withExtensions());
        Files.createDirectories(OUT);
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, SwitchboardProps> deployment : deployments.entrySet()) {
            Path file = OUT.resolve(deployment.getKey() + ".template.json");
            JsonNode template = JSON.valueToTree(Synthesized.of(deployment.getValue()).template().toJSON());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), template);
            templates.put(file.toString(), template);
            files.add(file.toString());
        }

        List<JsonNode> findings = lint(cfnLint, files);

        List<String> refused = findings.stream()
                .filter(finding -> !isFunctionRoleDependency(finding, templates.get(finding.path("Filename").asText())))
                .map(CfnLintTest::describe)
                .toList();
        assertThat(refused).as("cfn-lint findings (templates in %s)", OUT.toAbsolutePath()).isEmpty();
    }

    @Test
    void onlyAFunctionsRepeatedRoleDependencyIsAccepted() throws IOException {
        JsonNode template = JSON.readTree("""
                {"Resources": {
                  "SendRole": {"Type": "AWS::IAM::Role"},
                  "SendFunction": {"Type": "AWS::Lambda::Function",
                                   "Properties": {"Role": {"Fn::GetAtt": ["SendRole", "Arn"]}}},
                  "Table": {"Type": "AWS::DynamoDB::Table"},
                  "Queue": {"Type": "AWS::SQS::Queue",
                            "Properties": {"RedrivePolicy": {"Fn::GetAtt": ["Table", "Arn"]}}}
                }}""");

        assertThat(isFunctionRoleDependency(finding("W3005", "SendRole", "SendFunction", "Role"), template)).isTrue();
        assertThat(isFunctionRoleDependency(finding("E3005", "SendRole", "SendFunction", "Role"), template)).isFalse();
        assertThat(isFunctionRoleDependency(finding("W3005", "Table", "SendFunction", "Role"), template)).isFalse();
        assertThat(isFunctionRoleDependency(finding("W3005", "Table", "Queue", "RedrivePolicy"), template)).isFalse();
    }

    private static JsonNode finding(String rule, String dependency, String resource, String property) {
        return JSON.createObjectNode()
                .put("Message", "'" + dependency + "' dependency already enforced by a 'GetAtt' at 'Resources/"
                        + resource + "/Properties/" + property + "'")
                .set("Rule", JSON.createObjectNode().put("Id", rule));
    }

    /**
     * W3005 where a function's DependsOn names the role whose ARN its {@code Role} property already reads: CDK adds
     * the role's whole construct, so that the function also waits for the role's policy. Redundant, harmless.
     */
    static boolean isFunctionRoleDependency(JsonNode finding, JsonNode template) {
        if (!"W3005".equals(finding.path("Rule").path("Id").asText()) || template == null) {
            return false;
        }
        Matcher message = REPEATED_GET_ATT.matcher(finding.path("Message").asText());
        if (!message.matches() || !"Role".equals(message.group(3))) {
            return false;
        }
        JsonNode function = template.path("Resources").path(message.group(2));
        JsonNode role = function.path("Properties").path("Role").path("Fn::GetAtt");
        return "AWS::Lambda::Function".equals(function.path("Type").asText())
                && message.group(1).equals(role.path(0).asText()) && "Arn".equals(role.path(1).asText());
    }

    private static String describe(JsonNode finding) {
        return finding.path("Rule").path("Id").asText() + " " + finding.path("Level").asText() + " "
                + finding.path("Filename").asText() + " " + finding.path("Location").path("Path") + ": "
                + finding.path("Message").asText();
    }

    /** Runs cfn-lint over the files; returns its findings, or fails when cfn-lint itself could not run. */
    private static List<JsonNode> lint(Path cfnLint, List<String> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cfnLint.toString(), "--format", "json", "--"));
        command.addAll(files);
        Path stderr = Files.createTempFile("cfn-lint", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("cfn-lint did not finish");
            }
            // Exit status: a sum of 2 (errors), 4 (warnings) and 8 (informational); 1 means cfn-lint itself failed.
            int status = process.exitValue();
            if ((status & 1) != 0 || output.isBlank()) {
                throw new AssertionError("cfn-lint failed (exit " + status + "): " + output
                        + Files.readString(stderr));
            }
            List<JsonNode> findings = new ArrayList<>();
            JSON.readTree(output).forEach(findings::add);
            assertThat(findings.isEmpty()).as("exit status %d agrees with the findings", status).isEqualTo(status == 0);
            return findings;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}
