package dev.switchboard.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app {@code cdk.json} runs: reads the properties from CDK context, adds the Switchboard stack, and has
 * cdk-nag's AWS Solutions checks report on it at every synth.
 */
public final class SwitchboardApp {

    private SwitchboardApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        SwitchboardProps props;
        try {
            props = SwitchboardContext.read(app.getNode()::tryGetContext, Path.of(""));
        } catch (IllegalArgumentException e) {
            refuse(e);
            return;
        }
        StackProps.Builder stackProps = StackProps.builder()
                .stackName(props.stackName())
                .description("Switchboard: serverless WebSockets (API Gateway, Lambda, DynamoDB)");
        // The CLI sets these from the current credentials; without them the stack stays environment-agnostic.
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");
        String region = System.getenv("CDK_DEFAULT_REGION");
        if (account != null && region != null) {
            stackProps.env(Environment.builder().account(account).region(region).build());
        }
        try {
            // Some settings are checked against the environment only here (a certificate's region).
            new SwitchboardStack(app, props.stackName(), stackProps.build(), props);
        } catch (IllegalArgumentException e) {
            refuse(e);
            return;
        }
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        app.synth();
    }

    /** A setting the stack refuses: say which and why, without a stack trace around it. */
    private static void refuse(IllegalArgumentException e) {
        System.err.println("Switchboard cannot be synthesized: " + e.getMessage());
        System.exit(1);
    }
}
