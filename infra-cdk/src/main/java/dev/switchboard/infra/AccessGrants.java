package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sqs.IQueue;

/**
 * Gives a function what its {@link RouteAccess.Access} lists, on one stack's resources: the environment variables
 * that name them and the IAM statements that allow exactly those actions. Both live here so that no function is told
 * of a resource it may not use, or allowed one it is not told of.
 */
final class AccessGrants {

    /**
     * @param table           the one table
     * @param api             the WebSocket API whose stage's {@code @connections} the functions manage
     * @param stageName       that stage
     * @param fanoutQueue     the fan-out queue, when fan-out is enabled
     * @param fanoutThreshold room size from which broadcasts go through the fan-out queue
     * @param auth            how tokens are verified, for the functions that verify them
     * @param signingKey      the secret holding the HS256 key tokens are signed with, when there is one
     */
    record Props(TableV2 table, WebSocketApi api, String stageName, Optional<IQueue> fanoutQueue, int fanoutThreshold,
                 AuthSettings auth, Optional<ISecret> signingKey) {
        Props {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(stageName, "stageName");
            Objects.requireNonNull(fanoutQueue, "fanoutQueue");
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(signingKey, "signingKey");
        }
    }

    private final Props props;

    AccessGrants(Props props) {
        this.props = props;
    }

    /**
     * The base environment (the route environment, or nothing for the authorizer), plus the fan-out queue's URL and
     * threshold for functions that may enqueue shards, and the token settings for functions that verify tokens; the
     * matching grants are in {@link #grant}.
     */
    Map<String, String> environment(RouteAccess.Access access, Map<String, String> base) {
        Map<String, String> environment = new LinkedHashMap<>(base);
        if (access.enqueuesFanout()) {
            props.fanoutQueue().ifPresent(queue -> {
                environment.put(EnvNames.FANOUT_QUEUE_URL, queue.getQueueUrl());
                environment.put(EnvNames.FANOUT_THRESHOLD, Integer.toString(props.fanoutThreshold()));
            });
        }
        if (access.verifiesTokens()) {
            environment.putAll(props.auth().environment(props.signingKey().map(ISecret::getSecretArn)));
        }
        return environment;
    }

    /** Adds to the function's role exactly the statements {@code access} needs, in a fixed order. */
    void grant(RouteAccess.Access access, Function function) {
        if (access.usesTable()) {
            function.addToRolePolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(access.tableActions().stream().sorted().toList())
                    .resources(List.of(props.table().getTableArn()))
                    .build());
        }
        if (access.managesConnections()) {
            List<String> connections = new ArrayList<>();
            for (RouteAccess.ConnectionMethod method : access.connectionMethods()) {
                connections.add(Stack.of(props.api()).formatArn(ArnComponents.builder()
                        .service("execute-api")
                        .resource(props.api().getApiId())
                        .resourceName(props.stageName() + "/" + method.name() + "/@connections/*")
                        .build()));
            }
            function.addToRolePolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(List.of("execute-api:ManageConnections"))
                    .resources(connections)
                    .build());
            NagSuppressions.addResourceSuppressions(function.getRole(), List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("Connection ids are created at run time; the grant is limited to this API's stage"
                            + " @connections path, one HTTP method per ARN.")
                    .appliesTo(List.of(RegexAppliesTo.builder()
                            .regex("/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:"
                                    + "<Api[A-Za-z0-9]+>\\/" + props.stageName()
                                    + "\\/(POST|GET|DELETE)\\/@connections\\/\\*$/")
                            .build()))
                    .build()), true);
        }
        if (access.verifiesTokens()) {
            props.signingKey().ifPresent(key -> key.grantRead(function));
        }
        if (access.enqueuesFanout()) {
            // Only SendMessage (it also covers SendMessageBatch). The queue's grantSendMessages would add
            // GetQueueAttributes and GetQueueUrl, which the functions never call (they have the URL), and, were the
            // queue KMS-encrypted, kms:Encrypt/Decrypt/ReEncrypt*/GenerateDataKey*. SQS-managed encryption needs no
            // key grant; with a KMS key, senders would need kms:GenerateDataKey and kms:Decrypt on it.
            props.fanoutQueue().ifPresent(queue -> function.addToRolePolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(List.of("sqs:SendMessage"))
                    .resources(List.of(queue.getQueueArn()))
                    .build()));
        }
    }
}
