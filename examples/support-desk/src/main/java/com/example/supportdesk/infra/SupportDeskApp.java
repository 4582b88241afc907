package com.example.supportdesk.infra;

import dev.switchboard.infra.EventStream;
import dev.switchboard.infra.Extensions;
import dev.switchboard.infra.FunctionsJar;
import dev.switchboard.infra.SwitchboardProps;
import dev.switchboard.infra.SwitchboardStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The support desk's CDK app: one stack, one {@code cdk deploy}. Switchboard with the desk's {@code typing} route,
 * its {@code onJoin} hook and its event stream, and in the same stack the desk's tables, functions, bus and rule
 * ({@link SupportDesk}).
 *
 * <p>The stack is told the route's and the hook's functions by ARN before they exist, so it needs its account and
 * region at synth: {@code cdk deploy} sets them from the credentials it deploys with ({@code CDK_DEFAULT_ACCOUNT},
 * {@code CDK_DEFAULT_REGION}); {@code -c account=… -c region=…} names them without credentials.
 */
public final class SupportDeskApp {

    /** The stack's name unless {@code -c stackName=…} names another. */
    public static final String DEFAULT_STACK_NAME = "SupportDesk";
    /** Where {@code ./mvnw package} leaves the desk's Lambda jar, from this module's directory. */
    static final String APP_JAR_GLOB = "switchboard-example-support-desk-*-lambda.jar";

    private SupportDeskApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        String stackName = context(app, "stackName").orElse(DEFAULT_STACK_NAME);
        Optional<String> account = context(app, "account").or(() -> env("CDK_DEFAULT_ACCOUNT"));
        Optional<String> region = context(app, "region").or(() -> env("CDK_DEFAULT_REGION"));
        if (account.isEmpty() || region.isEmpty()) {
            fail("the support desk needs its account and region: deploy with AWS credentials, or pass"
                    + " -c account=<12 digits> -c region=<region>");
        }
        Path appJar = appJar(Path.of("target"));
        try {
            stack(app, new DeskNames(stackName), Environment.builder().account(account.get()).region(region.get())
                    .build(), FunctionsJar.find(Path.of("../..")), Code.fromAsset(appJar.toString()));
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
        app.synth();
    }

    /**
     * The stack: Switchboard with the desk's extensions wired, and the desk's resources in it.
     *
     * @param functionsJar Switchboard's functions jar
     * @param code         the desk's Lambda code (its shaded jar)
     */
    public static SwitchboardStack stack(App app, DeskNames names, Environment environment, Path functionsJar,
                                         Code code) {
        String account = environment.getAccount();
        String region = environment.getRegion();
        SwitchboardProps props = SwitchboardProps.builder()
                .stackName(names.stack())
                .functionsJar(functionsJar)
                .extensions(Extensions.none()
                        .withRoute("typing", Extensions.Target.arn(
                                DeskNames.functionArn(account, region, names.typingFunction())))
                        .withOnJoin(Extensions.Target.arn(
                                DeskNames.functionArn(account, region, names.ticketGateFunction()))))
                .eventStream(EventStream.toBus(names.bus()).withSource(SupportDesk.EVENT_SOURCE))
                .build();
        SwitchboardStack switchboard = new SwitchboardStack(app, names.stack(), StackProps.builder()
                .stackName(names.stack()).env(environment)
                .description("Support desk on Switchboard: typing route, ticket gate, close ticket, transcripts")
                .build(), props);
        new SupportDesk(switchboard, "SupportDesk", names, code);
        return switchboard;
    }

    /** The desk's shaded Lambda jar in the build directory, or an error that says how to build it. */
    static Path appJar(Path target) {
        try (var jars = Files.newDirectoryStream(target, APP_JAR_GLOB)) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (java.io.IOException e) {
            // No target directory: not built, said below.
        }
        throw new IllegalArgumentException("the desk's Lambda jar is not built: run './mvnw -DskipTests install' in"
                + " the repository root first");
    }

    private static Optional<String> context(App app, String key) {
        return Optional.ofNullable(app.getNode().tryGetContext(key)).map(Object::toString).filter(s -> !s.isBlank());
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(s -> !s.isBlank());
    }

    private static void fail(String message) {
        System.err.println("The support desk cannot be synthesized: " + message);
        System.exit(1);
    }
}
