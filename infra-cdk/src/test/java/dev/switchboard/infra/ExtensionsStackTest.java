package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.Handlers;
import dev.switchboard.protocol.Route;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;

/**
 * The application's routes and hooks in the synthesized stack: the routes on the API, one function serving them,
 * and lambda:InvokeFunction on exactly the application's functions for exactly the function that calls each.
 */
class ExtensionsStackTest {

    private static final String APPLICATION_ROUTES = Handlers.lambdaHandler(Handlers.APPLICATION_ROUTES);

    private static Synthesized withExtensions;
    private static Synthesized defaults;

    @BeforeAll
    static void synthesize() {
        withExtensions = Synthesized.of(Deployments.withExtensions());
        defaults = Synthesized.of(Deployments.defaults());
    }

    @Test
    void theApplicationsRoutesAreOnTheApiBesideTheRouteTablesAndAnswerTheCaller() {
        Map<String, String> routeIds = withExtensions.resources("AWS::ApiGatewayV2::Route").entrySet().stream()
                .collect(Collectors.toMap(e -> (String) Synthesized.properties(e.getValue()).get("RouteKey"),
                        Map.Entry::getKey));

        assertThat(routeIds.keySet()).containsAll(List.of("typing", "vote"));
        assertThat(routeIds).hasSize(Route.values().length + 2);
        for (String name : List.of("typing", "vote")) {
            assertThat(withExtensions.resources("AWS::ApiGatewayV2::RouteResponse").values().stream()
                    .map(Synthesized::properties)
                    .filter(r -> Map.of("Ref", routeIds.get(name)).equals(r.get("RouteId"))))
                    .as("route %s replies to the caller", name).hasSize(1);
            String integration = integrationTarget(routeIds.get(name));
            assertThat(integration).contains(aliasOf(functionId(withExtensions, APPLICATION_ROUTES)));
        }
    }

    @Test
    void theApplicationRouteFunctionIsToldWhichFunctionAnswersEachRouteAndHowLongItMayTake() {
        Map<String, Object> environment = environment(withExtensions, APPLICATION_ROUTES);

        assertThat(environment).containsEntry(EnvNames.APPLICATION_ROUTES,
                "typing=" + Deployments.TYPING_ARN + ",vote=" + Deployments.VOTE_ARN);
        assertThat(environment).containsEntry(EnvNames.APPLICATION_ROUTE_TIMEOUT_MS, "10000");
    }

    @Test
    void eachFunctionMayInvokeExactlyTheApplicationsFunctionsItCallsAndNoneOther() {
        Map<String, Set<String>> invokes = new TreeMap<>();
        withExtensions.resources("AWS::Lambda::Function").forEach((id, function) -> {
            String handler = (String) Synthesized.properties(function).get("Handler");
            statementsOf(withExtensions, id).stream()
                    .filter(s -> SwitchboardStackTest.strings(s.get("Action")).contains("lambda:InvokeFunction"))
                    .forEach(s -> {
                        assertThat(SwitchboardStackTest.strings(s.get("Action")))
                                .containsExactly("lambda:InvokeFunction");
                        invokes.computeIfAbsent(handler, h -> new java.util.TreeSet<>())
                                .addAll(SwitchboardStackTest.strings(s.get("Resource")));
                    });
        });

        assertThat(invokes).isEqualTo(Map.of(
                APPLICATION_ROUTES, Set.of(Deployments.TYPING_ARN, Deployments.VOTE_ARN),
                Handlers.lambdaHandler(Route.CONNECT), Set.of(Deployments.ON_CONNECT_ARN),
                Handlers.lambdaHandler(Route.JOIN), Set.of(Deployments.ON_JOIN_ARN),
                Handlers.lambdaHandler(Route.SEND), Set.of(Deployments.ON_SEND_ARN)));
    }

    @Test
    void onlyTheFunctionThatCallsAHookIsToldOfIt() {
        Map<String, String> told = new HashMap<>();
        withExtensions.resources("AWS::Lambda::Function").forEach((id, function) -> {
            Map<String, Object> variables = SwitchboardStackTest.environment(Synthesized.properties(function));
            for (String hook : List.of(EnvNames.HOOK_ON_CONNECT, EnvNames.HOOK_ON_JOIN, EnvNames.HOOK_ON_SEND)) {
                if (variables.containsKey(hook)) {
                    told.put(hook, (String) Synthesized.properties(function).get("Handler"));
                    assertThat(variables).containsEntry(EnvNames.HOOK_TIMEOUT_MS, "1500");
                }
            }
        });

        assertThat(told).isEqualTo(Map.of(EnvNames.HOOK_ON_CONNECT, Handlers.lambdaHandler(Route.CONNECT),
                EnvNames.HOOK_ON_JOIN, Handlers.lambdaHandler(Route.JOIN),
                EnvNames.HOOK_ON_SEND, Handlers.lambdaHandler(Route.SEND)));
    }

    @Test
    void withoutExtensionsThereIsNoApplicationRouteFunctionAndNoInvokeGrant() {
        assertThat(defaults.resources("AWS::Lambda::Function").values().stream()
                .map(f -> Synthesized.properties(f).get("Handler"))).doesNotContain(APPLICATION_ROUTES);
        assertThat(defaults.resources("AWS::IAM::Policy").values().stream()
                .flatMap(p -> SwitchboardStackTest.statements(p).stream())
                .flatMap(s -> SwitchboardStackTest.strings(s.get("Action")).stream()))
                .noneMatch(action -> action.startsWith("lambda:"));
    }

    @Test
    void extensionFailuresAreAlarmedOnlyWhereThereAreExtensions() {
        java.util.function.Function<Synthesized, List<Object>> alarmed = synth -> synth
                .resources("AWS::CloudWatch::Alarm").values().stream()
                .map(a -> Synthesized.properties(a).get("MetricName")).toList();

        assertThat(alarmed.apply(withExtensions)).contains(dev.switchboard.config.MetricNames.EXTENSION_FAILURES);
        assertThat(alarmed.apply(defaults)).doesNotContain(dev.switchboard.config.MetricNames.EXTENSION_FAILURES);
    }

    @Test
    void cdkNagFindsNothingUnsuppressed() {
        assertThat(withExtensions.nagErrors()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"send", "join", "$default", "$connect", "$custom", "9lives", "has space", "a.b", ""})
    void routeNamesThatCouldPassForSwitchboardsOrAreNotNamesAreRefusedAtSynth(String name) {
        assertThatThrownBy(() -> Extensions.none().withRoute(name, Extensions.Target.arn(Deployments.TYPING_ARN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("routes: ");
    }

    @Test
    void aRouteNameOfSixtyFiveCharactersIsRefusedAndOneOfSixtyFourAccepted() {
        assertThat(Extensions.none().withRoute("a".repeat(64), Extensions.Target.arn(Deployments.TYPING_ARN))
                .routes()).hasSize(1);
        assertThatThrownBy(() -> Extensions.none().withRoute("a".repeat(65),
                Extensions.Target.arn(Deployments.TYPING_ARN))).hasMessageContaining("not a valid route name");
    }

    @Test
    void contextNamesTheFunctionsByArnAndRefusesWhatIsNotOne() {
        SwitchboardProps props = SwitchboardContext.read(Map.<String, Object>of(
                ContextKeys.APPLICATION_ROUTES, "typing=" + Deployments.TYPING_ARN,
                ContextKeys.ON_JOIN_HOOK, Deployments.ON_JOIN_ARN,
                ContextKeys.HOOK_TIMEOUT_MS, "2500")::get, java.nio.file.Path.of(""));

        assertThat(props.extensions().routes()).containsOnlyKeys("typing");
        assertThat(props.extensions().onJoin()).contains(Extensions.Target.arn(Deployments.ON_JOIN_ARN));
        assertThat(props.extensions().hookTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> SwitchboardContext.read(Map.<String, Object>of(
                ContextKeys.APPLICATION_ROUTES, "send=" + Deployments.TYPING_ARN)::get, java.nio.file.Path.of("")))
                .hasMessageContaining(ContextKeys.APPLICATION_ROUTES).hasMessageContaining("Switchboard's own routes");
        assertThatThrownBy(() -> SwitchboardContext.read(Map.<String, Object>of(
                ContextKeys.ON_SEND_HOOK, "arn:aws:iam::123456789012:role/x")::get, java.nio.file.Path.of("")))
                .hasMessageContaining(ContextKeys.ON_SEND_HOOK);
        assertThatThrownBy(() -> SwitchboardContext.read(Map.<String, Object>of(
                ContextKeys.HOOK_TIMEOUT_MS, "60000")::get, java.nio.file.Path.of("")))
                .hasMessageContaining(ContextKeys.HOOK_TIMEOUT_MS).hasMessageContaining("10000");
    }

    @Test
    void functionsGivenInCodeFromAnotherStackAreGrantedByTheirArn() {
        App app = new App();
        Stack application = new Stack(app, "Application");
        IFunction typing = Function.fromFunctionArn(application, "Typing", Deployments.TYPING_ARN);
        SwitchboardStack stack = new SwitchboardStack(app, "Switchboard", null, SwitchboardProps.builder()
                .routes(Map.of("typing", typing)).onJoin(typing).build());

        assertThat(software.amazon.awscdk.assertions.Template.fromStack(stack).toJSON().toString())
                .contains(Deployments.TYPING_ARN);
    }

    private static String functionId(Synthesized synth, String handler) {
        return synth.resources("AWS::Lambda::Function").entrySet().stream()
                .filter(e -> handler.equals(Synthesized.properties(e.getValue()).get("Handler")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Map<String, Object> environment(Synthesized synth, String handler) {
        return SwitchboardStackTest.environment(Synthesized.properties(
                synth.resources("AWS::Lambda::Function").get(functionId(synth, handler))));
    }

    private static String aliasOf(String functionId) {
        return withExtensions.resources("AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> Map.of("Ref", functionId).equals(Synthesized.properties(e.getValue()).get("FunctionName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static String integrationTarget(String routeId) {
        Map<String, Object> route = Synthesized.properties(withExtensions.resources("AWS::ApiGatewayV2::Route")
                .get(routeId));
        String target = route.get("Target").toString();
        String integrationId = withExtensions.resources("AWS::ApiGatewayV2::Integration").keySet().stream()
                .filter(target::contains).findFirst().orElseThrow();
        return Synthesized.properties(withExtensions.resources("AWS::ApiGatewayV2::Integration").get(integrationId))
                .get("IntegrationUri").toString();
    }

    private static List<Map<String, Object>> statementsOf(Synthesized synth, String functionId) {
        Map<String, Object> function = Synthesized.properties(synth.resources("AWS::Lambda::Function").get(functionId));
        String roleId = (String) ((List<?>) ((Map<?, ?>) function.get("Role")).get("Fn::GetAtt")).get(0);
        return synth.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> ((List<?>) Synthesized.properties(p).get("Roles")).contains(Map.of("Ref", roleId)))
                .flatMap(p -> SwitchboardStackTest.statements(p).stream())
                .toList();
    }
}
