package dev.switchboard.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.AssetCode;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One Java Lambda of the stack with exactly the access its {@link RouteAccess.Access} lists: its own log group, its
 * own role (only that log group, then what {@link AccessGrants} gives), SnapStart on published versions, and the
 * alias {@value SwitchboardStack#ALIAS_NAME} every caller invokes.
 *
 * <p>Not a construct of its own: the log group, role, function and alias are made in the scope given, under the ids
 * the stack has always used ({@code <name>Logs}, {@code <name>Role}, {@code <name>Function}, {@code <name>Alias}).
 * A construct in between would change their logical ids, and CloudFormation would replace every deployed function,
 * role and log group.
 *
 * <pre>{@code
 * SwitchboardFunction send = new SwitchboardFunction(stack, new SwitchboardFunction.Props("Send",
 *         Handlers.lambdaHandler(Route.SEND), "Switchboard send route", Duration.seconds(29),
 *         RouteAccess.of(Route.SEND), routeEnvironment), shared);
 * send.alias();   // what the route integrates with
 * }</pre>
 */
final class SwitchboardFunction {

    /**
     * What every function of one stack shares.
     *
     * @param code         the functions jar
     * @param memorySize   MB per function
     * @param tracing      X-Ray active tracing
     * @param logRetention retention of the function's log group
     * @param removal      what deleting the stack does to the log group
     * @param grants       the stack's resources, granted by each function's access
     */
    record Shared(AssetCode code, int memorySize, boolean tracing, RetentionDays logRetention, RemovalPolicy removal,
                  AccessGrants grants) {
        Shared {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(removal, "removal");
            Objects.requireNonNull(grants, "grants");
        }
    }

    /**
     * @param name        prefix of the construct ids, and the function's name in alarms, e.g. {@code Connect}
     * @param handler     {@code class::method}
     * @param description shown in the console, for the function and its role
     * @param timeout     how long one invocation may run
     * @param access      what the function may do
     * @param environment the variables every function of its kind gets; {@link AccessGrants} adds those its access
     *                    needs
     */
    record Props(String name, String handler, String description, Duration timeout, RouteAccess.Access access,
                 Map<String, String> environment) {
        Props {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(access, "access");
            environment = new LinkedHashMap<>(environment);
        }
    }

    private final Function function;
    private final Alias alias;

    SwitchboardFunction(Construct scope, Props props, Shared shared) {
        Map<String, String> environment = shared.grants().environment(props.access(), props.environment());
        LogGroup logs = LogGroup.Builder.create(scope, props.name() + "Logs")
                .retention(shared.logRetention())
                .removalPolicy(shared.removal())
                .build();
        // Own role per function: only its log group here, then exactly what RouteAccess lists.
        Role role = Role.Builder.create(scope, props.name() + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(props.description())
                .build();
        logs.grantWrite(role);
        function = Function.Builder.create(scope, props.name() + "Function")
                .description(props.description())
                .runtime(SwitchboardStack.JAVA_RUNTIME)
                .architecture(Architecture.ARM_64)
                .code(shared.code())
                .handler(props.handler())
                .memorySize(shared.memorySize())
                .timeout(props.timeout())
                .environment(environment)
                .role(role)
                .logGroup(logs)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(shared.tracing() ? Tracing.ACTIVE : Tracing.DISABLED)
                .build();
        if (shared.tracing()) {
            NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level"
                            + " permissions, so tracing needs Resource *.")
                    .appliesTo(List.of("Resource::*"))
                    .build()), true);
        }
        shared.grants().grant(props.access(), function);
        // SnapStart snapshots published versions only, so every caller invokes this alias, never $LATEST.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "every invocation goes through the alias on currentVersion, a published version");
        alias = Alias.Builder.create(scope, props.name() + "Alias")
                .aliasName(SwitchboardStack.ALIAS_NAME)
                .version(function.getCurrentVersion())
                .build();
    }

    Function function() {
        return function;
    }

    /** What routes, the authorizer and event sources invoke. */
    Alias alias() {
        return alias;
    }
}
