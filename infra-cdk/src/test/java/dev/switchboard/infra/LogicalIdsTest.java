package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The logical id and type of every resource, pinned for the default deployment and for the one with every option
 * (between them, every resource the stack can make). A changed logical id makes CloudFormation replace the resource
 * on the next deploy: a new table, new queues, new log groups, and what was in the old ones lost or orphaned. So a
 * refactoring must keep them; a change that means to add, remove or rename resources updates the lists with
 * {@code ./mvnw -pl infra-cdk verify -Dswitchboard.updateLogicalIds=true} and shows the difference in review.
 */
class LogicalIdsTest {

    private static final Path LISTS = Path.of("src", "test", "resources", "logical-ids");
    private static final boolean UPDATE = Boolean.getBoolean("switchboard.updateLogicalIds");
    private static final String VERSION = "AWS::Lambda::Version";
    /** The hex MD5 of the code and configuration that CDK appends to a function version's logical id. */
    private static final int VERSION_HASH_LENGTH = 32;

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "every-option"})
    void everyResourceKeepsItsLogicalId(String deployment) throws IOException {
        SwitchboardProps props = deployment.equals("defaults") ? Deployments.defaults() : Deployments.everyOption();
        List<String> resources = resources(Synthesized.of(props));
        Path list = LISTS.resolve(deployment + ".txt");
        if (UPDATE) {
            Files.createDirectories(LISTS);
            Files.write(list, resources);
        }

        List<String> pinned = Files.readAllLines(list);

        List<String> gone = new ArrayList<>(pinned);
        gone.removeAll(resources);
        List<String> added = new ArrayList<>(resources);
        added.removeAll(pinned);
        assertThat(resources)
                .as("logical ids of the %s deployment: gone %s, new %s. CloudFormation replaces a resource whose"
                        + " logical id changes; if that is meant, rerun with -Dswitchboard.updateLogicalIds=true",
                        deployment, gone, added)
                .isEqualTo(pinned);
    }

    /**
     * "LogicalId Type" per resource, sorted. A function version's id ends in a hash of the function's code and
     * configuration, so that every new jar publishes a new version for the alias to move to: that part is left out.
     */
    @SuppressWarnings("unchecked")
    private static List<String> resources(Synthesized synthesized) {
        Map<String, Object> resources = (Map<String, Object>) synthesized.template().toJSON().get("Resources");
        TreeSet<String> lines = new TreeSet<>();
        resources.forEach((id, resource) -> {
            Object type = ((Map<String, Object>) resource).get("Type");
            String stable = VERSION.equals(type) ? id.substring(0, id.length() - VERSION_HASH_LENGTH) : id;
            lines.add(stable + " " + type);
        });
        return List.copyOf(lines);
    }
}
