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

    /** Every statement of every policy attached to each function's role, by the function's handler. */
    @SuppressWarnings("unchecked")
    Map<String, List<Map<String, Object>>> statementsByHandler() {
        Map<String, List<Map<String, Object>>> byHandler = new java.util.TreeMap<>();
        Map<String, Map<String, Object>> policies = resources("AWS::IAM::Policy");
        for (Map<String, Object> function : resources("AWS::Lambda::Function").values()) {
            Map<String, Object> properties = properties(function);
            Object role = Map.of("Ref", ((List<?>) ((Map<?, ?>) properties.get("Role")).get("Fn::GetAtt")).get(0));
            List<Map<String, Object>> statements = new java.util.ArrayList<>();
            for (Map<String, Object> policy : policies.values()) {
                if (((List<?>) properties(policy).get("Roles")).contains(role)) {
                    Map<String, Object> document = (Map<String, Object>) properties(policy).get("PolicyDocument");
                    statements.addAll((List<Map<String, Object>>) document.get("Statement"));
                }
            }
            byHandler.put((String) properties.get("Handler"), statements);
        }
        return byHandler;
    }

    /** The handlers whose functions may do any action starting with {@code prefix}, e.g. {@code secretsmanager:}. */
    java.util.Set<String> handlersAllowed(String prefix) {
        java.util.Set<String> handlers = new java.util.TreeSet<>();
        statementsByHandler().forEach((handler, statements) -> {
            for (Map<String, Object> statement : statements) {
                Object action = statement.get("Action");
                List<?> actions = action instanceof List<?> list ? list : List.of(action);
                if (actions.stream().anyMatch(a -> String.valueOf(a).startsWith(prefix))) {
                    handlers.add(handler);
                }
            }
        });
        return handlers;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }
}
