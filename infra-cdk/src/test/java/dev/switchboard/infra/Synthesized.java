package dev.switchboard.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** One synthesized Switchboard stack with cdk-nag's AWS Solutions checks applied; built once per test class. */
record Synthesized(SwitchboardStack stack, Template template, Annotations annotations) {

    static Synthesized of(SwitchboardProps props) {
        App app = new App();
        SwitchboardStack stack = new SwitchboardStack(app, "Switchboard", StackProps.builder().build(), props);
        Aspects.of(stack).add(new AwsSolutionsChecks());
        Template template = Template.fromStack(stack);
        return new Synthesized(stack, template, Annotations.fromStack(stack));
    }

    /** Unsuppressed cdk-nag findings at error level, as "path: message" lines. */
    List<String> nagErrors() {
        return describe(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")));
    }

    List<String> nagWarnings() {
        return describe(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")));
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).collect(Collectors.toList());
    }

    /** Logical id to resource of one type. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources(String type) {
        return (Map<String, Map<String, Object>>) (Map<String, ?>) template.findResources(type);
    }

    /** Each function's environment variables, by its handler ({@code class::method}). */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> environmentsByHandler() {
        Map<String, Map<String, Object>> byHandler = new java.util.TreeMap<>();
        for (Map<String, Object> function : resources("AWS::Lambda::Function").values()) {
            Map<String, Object> properties = properties(function);
            Map<String, Object> environment = (Map<String, Object>) properties.get("Environment");
            Object previous = byHandler.put((String) properties.get("Handler"), environment == null ? Map.of()
                    : (Map<String, Object>) environment.get("Variables"));
            if (previous != null) {
                throw new AssertionError("two functions with handler " + properties.get("Handler"));
            }
        }
        return byHandler;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }
}
