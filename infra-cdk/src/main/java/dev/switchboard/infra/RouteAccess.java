package dev.switchboard.infra;

import dev.switchboard.protocol.Route;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What each route's function may do, in one place: the DynamoDB actions its use case issues, the
 * {@code @connections} methods it calls, whether it hands large rooms' broadcasts to the fan-out queue, and whether
 * it verifies tokens as the authorizer does. The stack grants exactly this, on the one table, the one stage, the one
 * fan-out queue and the one signing key.
 *
 * <p>IAM names the operations inside a transaction, not the transaction: {@code TransactWriteItems} needs
 * {@code PutItem}/{@code DeleteItem} for its puts and deletes and {@code ConditionCheckItem} for its checks.
 *
 * <pre>{@code
 * RouteAccess.Access send = RouteAccess.of(Route.SEND);
 * send.tableActions();        // [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, …]
 * }</pre>
 */
public final class RouteAccess {

    /** An HTTP method of the API Gateway Management API ({@code @connections/{id}}). */
    public enum ConnectionMethod { POST, GET, DELETE }

    /**
     * @param tableActions      IAM actions on the table, e.g. {@code dynamodb:Query}
     * @param connectionMethods management API methods on this stage's {@code @connections/*}
     * @param enqueuesFanout    publishes to rooms, so sends one message per shard to the fan-out queue when a room
     *                          is large (the queue's URL and threshold come with the grant)
     * @param verifiesTokens    verifies tokens exactly as the {@code $connect} authorizer does, so it gets the
     *                          authorizer's settings and may read the HS256 key when there is one
     */
    public record Access(Set<String> tableActions, Set<ConnectionMethod> connectionMethods, boolean enqueuesFanout,
                         boolean verifiesTokens) {
        public Access {
            tableActions = Set.copyOf(tableActions);
            connectionMethods = connectionMethods.isEmpty() ? Set.of()
                    : Collections.unmodifiableSet(EnumSet.copyOf(connectionMethods));
            for (String action : tableActions) {
                if (!action.startsWith("dynamodb:") || action.contains("*")) {
                    throw new IllegalArgumentException("not a single DynamoDB action: " + action);
                }
            }
        }

        /** Access that never touches the fan-out queue. */
        public Access(Set<String> tableActions, Set<ConnectionMethod> connectionMethods) {
            this(tableActions, connectionMethods, false, false);
        }

        /** Access that may hand broadcasts to the fan-out queue. */
        static Access enqueuingFanout(Set<String> tableActions, Set<ConnectionMethod> connectionMethods) {
            return new Access(tableActions, connectionMethods, true, false);
        }

        /** The same access, for a function that also verifies tokens. */
        Access verifyingTokens() {
            return new Access(tableActions, connectionMethods, enqueuesFanout, true);
        }

        public boolean usesTable() {
            return !tableActions.isEmpty();
        }

        public boolean managesConnections() {
            return !connectionMethods.isEmpty();
        }
    }

    private static final Access NOTHING = new Access(Set.of(), Set.of());

    private static final Map<Route, Access> ACCESS = new EnumMap<>(Route.class);

    /** Reads and writes of a publish (client send, queue publish): counter, history, idempotency, members. */
    private static final Set<String> PUBLISH_ACTIONS = Set.of("dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:BatchWriteItem");
    /** Posting to members: posts, and pruning of connections found gone (410) like a $disconnect. */
    private static final Set<ConnectionMethod> POST = Set.of(ConnectionMethod.POST);
    /**
     * A route answering a client: every frame reads the connection's record, and a frame that comes after the
     * connection's token expired is answered with a post and the connection closed (DELETE); the post may find the
     * connection gone and prune it (a read and a batch delete).
     */
    private static final Set<ConnectionMethod> ANSWER = Set.of(ConnectionMethod.POST, ConnectionMethod.DELETE);

    /**
     * The queue publisher (not a route): publishes to rooms and users exactly as {@code send} and {@code direct}
     * do.
     */
    public static final Access PUBLISHER = Access.enqueuingFanout(PUBLISH_ACTIONS, POST);

    /**
     * The {@code $connect} authorizer (not a route): verifies tokens, and touches neither the table nor any
     * connection.
     */
    public static final Access AUTHORIZER = new Access(Set.of(), Set.of()).verifyingTokens();

    /**
     * The fan-out consumer (not a route): delivers one shard of a large room's broadcast. A member query on the
     * shard's partition, posts, and pruning of connections found gone (a read of the connection and a batch
     * delete). It receives from the fan-out queue through its event source and never enqueues itself.
     */
    public static final Access FANOUT = new Access(Set.of("dynamodb:GetItem", "dynamodb:Query",
            "dynamodb:BatchWriteItem"), POST);

    static {
        // $connect: one transaction putting the connection record and the user index entry.
        ACCESS.put(Route.CONNECT, new Access(Set.of("dynamodb:PutItem"), Set.of()));
        // $disconnect: read the connection, batch-delete it with its room and user entries, then announce the leave
        // to each room (member query, posts, pruning).
        ACCESS.put(Route.DISCONNECT, new Access(
                Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchWriteItem"), POST));
        // $default only answers frames no route matched with an error frame; it touches nothing.
        ACCESS.put(Route.DEFAULT, NOTHING);
        // join: read the connection, a transaction updating it and putting the membership, the room's latest seq
        // (or its history when resuming), and the presence announcement (member query, posts, pruning).
        ACCESS.put(Route.JOIN, new Access(Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem",
                "dynamodb:Query", "dynamodb:BatchWriteItem"), ANSWER));
        // leave: read the connection, a transaction updating it and deleting the membership, then the presence
        // announcement.
        ACCESS.put(Route.LEAVE, new Access(Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:Query", "dynamodb:BatchWriteItem"), ANSWER));
        // send: read the connection (membership and rights), idempotency claim, seq counter, history, member query,
        // posts, pruning; a large room's broadcast goes to the fan-out queue instead.
        ACCESS.put(Route.SEND, Access.enqueuingFanout(PUBLISH_ACTIONS, ANSWER));
        // ping: read the connection (known, token not expired), answer pong.
        ACCESS.put(Route.PING, new Access(Set.of("dynamodb:GetItem", "dynamodb:BatchWriteItem"), ANSWER));
        // resume: read the connection, the room's latest seq, a history query.
        ACCESS.put(Route.RESUME, new Access(Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchWriteItem"),
                ANSWER));
        // presence: read the connection and a member query.
        ACCESS.put(Route.PRESENCE, new Access(Set.of("dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:BatchWriteItem"), ANSWER));
        // direct: read the connection, the user's connections, posts, pruning.
        ACCESS.put(Route.DIRECT, new Access(Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchWriteItem"),
                ANSWER));
        // refresh: verify the fresh token as the authorizer does, read the connection, a transaction replacing its
        // grant and rewriting or deleting memberships, then announcing the rooms it left (member query, posts,
        // pruning). Never closes a connection.
        ACCESS.put(Route.REFRESH, new Access(Set.of("dynamodb:GetItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchWriteItem"), POST).verifyingTokens());

        Route[] missing = Arrays.stream(Route.values()).filter(r -> !ACCESS.containsKey(r)).toArray(Route[]::new);
        if (missing.length > 0) {
            throw new IllegalStateException("routes without an access entry in RouteAccess: "
                    + Arrays.toString(missing));
        }
    }

    private RouteAccess() {
    }

    /** The access a route's function needs; every route of the table has an entry. */
    public static Access of(Route route) {
        return ACCESS.get(Objects.requireNonNull(route, "route"));
    }
}
