package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;

/**
 * What each call of the server library ({@code dev.switchboard.server.ServerApi}) needs, in one place, and the
 * grants that give an application's role (its Lambda function, its container's task role) exactly that on this
 * stack's table and this stage's {@code @connections}: no more, so a role granted only presence cannot post, and a
 * role granted publishing cannot close connections. The environment the library reads comes with them.
 *
 * <p>As for the routes ({@link RouteAccess}), IAM names the operations inside a transaction, not the transaction.
 *
 * <pre>{@code
 * Function orders = ...;                                       // the application's own function
 * stack.grantPublish(orders);
 * stack.grantMembership(orders);
 * stack.serverApiEnvironment().forEach(orders::addEnvironment);   // ServerApi.fromEnvironment() reads these
 * }</pre>
 */
public final class ServerApiGrants {

    /** A call of the server library, by what it needs. */
    public enum Call {
        /**
         * {@code publish}: claims its id (PutItem), takes the room's next seq (UpdateItem), stores the message with
         * the claim's completion (PutItem, UpdateItem), queries the members, posts, and prunes members found gone
         * (DeleteItem, BatchWriteItem).
         */
        PUBLISH(Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:GetItem",
                "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"), Set.of(RouteAccess.ConnectionMethod.POST)),
        /**
         * {@code sendToUser}: the user's connections (Query), the id's claim and its completion (PutItem,
         * UpdateItem), posts, pruning.
         */
        SEND_TO_USER(Set.of("dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem",
                "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"), Set.of(RouteAccess.ConnectionMethod.POST)),
        /**
         * {@code disconnectUser}, {@code disconnectConnection}: the user's connections (Query), the close (DELETE),
         * then as {@code $disconnect}: the connection's user (GetItem), its row (DeleteItem) and listings
         * (BatchWriteItem), its rooms told (member Query, posts, pruning).
         */
        DISCONNECT(Set.of("dynamodb:Query", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"),
                Set.of(RouteAccess.ConnectionMethod.DELETE, RouteAccess.ConnectionMethod.POST)),
        /**
         * {@code addMember}, {@code removeMember}: the user's connections (Query), each read (GetItem) and joined in
         * a transaction updating its row and putting its membership (UpdateItem, PutItem) or leaving it
         * (UpdateItem, DeleteItem), the room told (member Query, posts, pruning).
         */
        MEMBERSHIP(Set.of("dynamodb:Query", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem",
                "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"), Set.of(RouteAccess.ConnectionMethod.POST)),
        /** {@code presence}: one member Query. */
        PRESENCE(Set.of("dynamodb:Query"), Set.of()),
        /** {@code history}: the room's counter (GetItem) and a history Query. */
        HISTORY(Set.of("dynamodb:GetItem", "dynamodb:Query"), Set.of());

        private final RouteAccess.Access access;

        Call(Set<String> tableActions, Set<RouteAccess.ConnectionMethod> connectionMethods) {
            this.access = new RouteAccess.Access(tableActions, connectionMethods);
        }

        /** The table actions and {@code @connections} methods the call needs. */
        public RouteAccess.Access access() {
            return access;
        }
    }

    /**
     * The variables of the functions' environment the library needs to reach the same table and stage the same way
     * (a different room shard count would put memberships where the functions never look).
     */
    static final List<String> ENVIRONMENT = List.of(EnvNames.TABLE_NAME, EnvNames.MANAGEMENT_ENDPOINT,
            EnvNames.ROOM_SHARDS, EnvNames.MAX_POSTS_PER_SECOND);

    private final Stack stack;
    private final String tableArn;
    private final String apiId;
    private final String stageName;
    private final Map<String, String> environment;

    /**
     * @param functionEnvironment the environment the stack gives its functions; the library's share is taken from
     *                            it, so both always agree
     */
    ServerApiGrants(Stack stack, String tableArn, String apiId, String stageName,
                    Map<String, String> functionEnvironment) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.tableArn = Objects.requireNonNull(tableArn, "tableArn");
        this.apiId = Objects.requireNonNull(apiId, "apiId");
        this.stageName = Objects.requireNonNull(stageName, "stageName");
        Map<String, String> picked = new LinkedHashMap<>();
        for (String name : ENVIRONMENT) {
            picked.put(name, Objects.requireNonNull(functionEnvironment.get(name), name));
        }
        this.environment = Collections.unmodifiableMap(picked);
    }

    /** Gives the grantee exactly what the call needs: its table actions, and its {@code @connections} methods. */
    public Grant grant(Call call, IGrantable grantee) {
        RouteAccess.Access access = call.access();
        Grant grant = Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                .grantee(grantee)
                .actions(access.tableActions().stream().sorted().toList())
                .resourceArns(List.of(tableArn))
                .build());
        if (access.managesConnections()) {
            List<String> arns = new ArrayList<>();
            for (RouteAccess.ConnectionMethod method : RouteAccess.ConnectionMethod.values()) {
                if (access.connectionMethods().contains(method)) {
                    arns.add(stack.formatArn(ArnComponents.builder()
                            .service("execute-api")
                            .resource(apiId)
                            .resourceName(stageName + "/" + method.name() + "/@connections/*")
                            .build()));
                }
            }
            grant = grant.combine(Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                    .grantee(grantee)
                    .actions(List.of("execute-api:ManageConnections"))
                    .resourceArns(arns)
                    .build()));
        }
        return grant;
    }

    /** What {@code ServerApi.fromEnvironment()} reads, with this stack's values (add {@code AWS_REGION} off Lambda). */
    public Map<String, String> environment() {
        return environment;
    }
}
