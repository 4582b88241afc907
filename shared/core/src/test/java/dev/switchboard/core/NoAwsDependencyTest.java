package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The protocol and the core stay free of the AWS SDK and the Lambda libraries, so a client library can use the
 * protocol and the core is tested without AWS. The build enforces it (the {@code no-aws-in-shared} enforcer
 * execution in {@code shared/pom.xml}, inherited by both modules); this test fails if that rule is dropped, no
 * longer inherited, or if an AWS artifact is on the core's class path anyway.
 */
class NoAwsDependencyTest {

    private static final List<String> BANNED_GROUPS =
            List.of("software.amazon.awssdk", "com.amazonaws", "software.amazon.lambda");

    private static final Path CORE = Path.of(System.getProperty("basedir", "."));
    private static final Path SHARED = CORE.resolve("..");

    @Test
    void theSharedAggregatorBansTheAwsGroups() throws Exception {
        Document shared = read(SHARED.resolve("pom.xml"));
        Element execution = enforcerExecution(shared, "no-aws-in-shared");
        assertThat(texts(execution, "exclude")).containsAll(BANNED_GROUPS);
        assertThat(texts(execution, "goal")).containsExactly("enforce");
        assertThat(execution.getElementsByTagName("skip").getLength()).as("the rule is not skipped").isZero();
    }

    @Test
    void protocolAndCoreInheritTheBanUnchanged() throws Exception {
        String shared = childText(read(SHARED.resolve("pom.xml")).getDocumentElement(), "artifactId");
        for (Path module : List.of(SHARED.resolve("protocol"), CORE)) {
            Path pom = module.resolve("pom.xml");
            Element parent = (Element) read(pom).getElementsByTagName("parent").item(0);
            assertThat(parent).as("%s has a parent", pom).isNotNull();
            assertThat(childText(parent, "artifactId")).as("%s's parent", pom).isEqualTo(shared);
            assertThat(Files.readString(pom)).as("%s neither reconfigures nor skips the enforcer", pom)
                    .doesNotContain("maven-enforcer-plugin").doesNotContain("enforcer.skip");
        }
    }

    @Test
    void noAwsArtifactIsOnTheClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(classPath.split(File.pathSeparator));
        assertThat(entries).as("the core's test class path").isNotEmpty();
        List<String> banned = new ArrayList<>();
        for (String entry : entries) {
            String path = entry.replace(File.separatorChar, '/');
            for (String group : BANNED_GROUPS) {
                if (path.contains("/" + group.replace('.', '/') + "/")) {
                    banned.add(entry);
                }
            }
        }
        assertThat(banned).isEmpty();
        assertThat(entries).as("the protocol is there (the check sees the class path)")
                .anyMatch(entry -> entry.contains("protocol"));
    }

    private static Element enforcerExecution(Document pom, String id) {
        NodeList executions = pom.getElementsByTagName("execution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element execution = (Element) executions.item(i);
            if (id.equals(text(execution, "id"))) {
                return execution;
            }
        }
        throw new AssertionError("no enforcer execution " + id + " in shared/pom.xml");
    }

    private static Document read(Path pom) throws Exception {
        assertThat(pom).exists();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (var in = Files.newInputStream(pom)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private static String text(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static String childText(Element element, String tag) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && tag.equals(child.getTagName())) {
                return child.getTextContent().trim();
            }
        }
        return null;
    }

    private static List<String> texts(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().trim());
        }
        return values;
    }
}
