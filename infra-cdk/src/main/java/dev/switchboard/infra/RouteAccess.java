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
     * @param enqueuesFanout    delivers messages, so hands the fan-out queue a large room's broadcast in parts and
     *                          the recipients it cannot reach now, for a later attempt (the queue's URL and threshold
     *                          come with the grant)
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

        /** Access that may hand deliveries to the fan-out queue. */
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

    /**
     * What every route that answers a client does with the table besides its own work: counting the frame on the
     * connection's row (UpdateItem, which returns the row), and, for a connection it closes (token expired, kept
     * flooding), disconnecting it as {@code $disconnect} would (its row read, GetItem; its listings deleted,
     * BatchWriteItem; then its row, DeleteItem; its rooms told, a Query of each room and posts, and a room found too
     * big for presence events recorded so, BatchWriteItem), and pruning one found gone.
     */
    private static final Set<String> ANSWERING = Set.of("dynamodb:UpdateItem", "dynamodb:GetItem",
            "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Query");
    /** Reading a connection again after it changed under a decision, or a room's counter on its own. */
    private static final Set<String> READING = Set.of("dynamodb:GetItem");
    /**
     * Pruning a connection found gone (410) like a $disconnect (its row read, GetItem; its listings, BatchWriteItem;
     * then its row deleted, DeleteItem), and announcing it.
     */
    private static final Set<String> PRUNING = Set.of("dynamodb:GetItem", "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem", "dynamodb:Query");
    /** Posting to members. */
    private static final Set<ConnectionMethod> POST = Set.of(ConnectionMethod.POST);
    /** A route answering a client: it posts, and closes a connection whose token expired or that keeps flooding. */
    private static final Set<ConnectionMethod> ANSWER = Set.of(ConnectionMethod.POST, ConnectionMethod.DELETE);

    /**
     * The queue publisher (not a route): serves the queue's requests exactly as the server library serves the calls
     * of the same names, so it needs what those need ({@link ServerApiGrants.Call}): publishing to rooms and users
     * (as {@code send} and {@code direct} do), memberships, and closing connections; and it hands large rooms'
     * broadcasts and the recipients it cannot reach now to the fan-out queue.
     */
    public static final Access PUBLISHER = servingTheQueue(ServerApiGrants.Call.PUBLISH,
            ServerApiGrants.Call.SEND_TO_USER, ServerApiGrants.Call.MEMBERSHIP, ServerApiGrants.Call.DISCONNECT);

    /**
     * The {@code $connect} authorizer (not a route): verifies tokens, and touches neither the table nor any
     * connection.
     */
    public static final Access AUTHORIZER = new Access(Set.of(), Set.of()).verifyingTokens();

    /**
     * The fan-out consumer (not a route): delivers one job of the queue, a shard or a list of connections. A member
     * query on the shard's partition, posts, pruning of connections found gone, and the recipients it still cannot
     * reach handed back to the queue for a later attempt.
     */
    public static final Access FANOUT = Access.enqueuingFanout(PRUNING, POST);

    /**
     * The application route function (not one of the table's routes): admits each call as every route admits its
     * frames (counting it on the connection's row, closing a connection whose token expired or that keeps flooding),
     * then invokes the application's function, whose grant the stack adds for exactly the functions named.
     */
    public static final Access APPLICATION_ROUTE = new Access(ANSWERING, ANSWER);

    static {
        // $connect: the user's connections (a Query) against the per-user limit; at the limit each listed one is looked
        // up (GET) and one found gone is pruned (its row read, its listings batch-deleted, its row deleted); then one
        // transaction putting the connection record and the user index entry.
        ACCESS.put(Route.CONNECT, new Access(Set.of("dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem",
                "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"), Set.of(ConnectionMethod.GET)));
        // $disconnect: read the connection (its user and rooms), batch-delete its listings, delete its row, then
        // announce the leave to each room (a Query of the room, posts, pruning; a room found too big for presence
        // events is recorded so with a batch put).
        ACCESS.put(Route.DISCONNECT, new Access(PRUNING, POST));
        // $default answers frames no route serves with an error frame, after counting them.
        ACCESS.put(Route.DEFAULT, new Access(ANSWERING, ANSWER));
        // join: count (the read), a transaction updating the connection and putting the membership, re-reading the
        // connection when it changed meanwhile, one Query of the room for its members and latest seq (its counter
        // alone, GetItem, when it was a member already), its history when resuming, and the presence announcement.
        ACCESS.put(Route.JOIN, new Access(union(union(ANSWERING, READING), Set.of("dynamodb:PutItem")), ANSWER));
        // leave: count, a transaction updating the connection and deleting the membership, the announcement.
        ACCESS.put(Route.LEAVE, new Access(ANSWERING, ANSWER));
        // send: one transaction counting the frame (with its membership, right and token as conditions) and
        // claiming its id (PutItem), the seq counter, a transaction writing the message and completing the claim,
        // the member query, posts; a large room's broadcast goes to the fan-out queue instead.
        ACCESS.put(Route.SEND, Access.enqueuingFanout(union(ANSWERING, Set.of("dynamodb:PutItem")), ANSWER));
        // ping: count, answer pong.
        ACCESS.put(Route.PING, new Access(ANSWERING, ANSWER));
        // resume: count, the room's latest seq, a history query.
        ACCESS.put(Route.RESUME, new Access(union(ANSWERING, READING), ANSWER));
        // presence: count, and the member queries of one page.
        ACCESS.put(Route.PRESENCE, new Access(ANSWERING, ANSWER));
        // direct: count, claiming its id (PutItem) and recording it as sent (UpdateItem), the user's connections,
        // posts; recipients it cannot reach now go to the fan-out queue.
        ACCESS.put(Route.DIRECT, Access.enqueuingFanout(union(ANSWERING, Set.of("dynamodb:PutItem")), ANSWER));
        // refresh: verify the fresh token as the authorizer does, count, a transaction replacing the grant and
        // rewriting or deleting memberships (re-reading the connection when it changed meanwhile), then announcing
        // the rooms it left; a connection whose own token expired while its refresh was refused is closed.
        ACCESS.put(Route.REFRESH, new Access(union(ANSWERING, READING), ANSWER).verifyingTokens());

        Route[] missing = Arrays.stream(Route.values()).filter(r -> !ACCESS.containsKey(r)).toArray(Route[]::new);
        if (missing.length > 0) {
            throw new IllegalStateException("routes without an access entry in RouteAccess: "
                    + Arrays.toString(missing));
        }
    }

    private RouteAccess() {
    }

    private static Access servingTheQueue(ServerApiGrants.Call... calls) {
        Set<String> tableActions = new java.util.HashSet<>();
        Set<ConnectionMethod> methods = EnumSet.noneOf(ConnectionMethod.class);
        for (ServerApiGrants.Call call : calls) {
            tableActions.addAll(call.access().tableActions());
            methods.addAll(call.access().connectionMethods());
        }
        return Access.enqueuingFanout(tableActions, methods);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The access a route's function needs; every route of the table has an entry. */
    public static Access of(Route route) {
        return ACCESS.get(Objects.requireNonNull(route, "route"));
    }
}
