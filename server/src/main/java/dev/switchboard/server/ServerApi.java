package dev.switchboard.server;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Closed;
import dev.switchboard.core.MemberChange;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.PublishRequest;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Switchboard for backends, in-process: publish to rooms, message users, make users members of rooms or take them
 * out, close their connections, and read presence and history, over the same core and the same DynamoDB table and
 * {@code @connections} API as the Lambda functions. So ordering, history and idempotency are exactly what clients
 * get: a published message takes the room's next seq and is stored for resume before it is posted; a call given an
 * id is done once however often it is repeated within the idempotency window (with the publish queue's requests of
 * the same id and sender too).
 *
 * <pre>{@code
 * try (ServerApi server = ServerApi.fromEnvironment()) {         // SWITCHBOARD_TABLE, ..._MANAGEMENT_ENDPOINT, ...
 *     server.addMember("alice", "order-42");                     // her open connections join, whatever her token says
 *     Published p = server.publish("order-42", "{\"status\":\"shipped\"}", "orders", "order-42-shipped");
 *     server.sendToUser("alice", FrameCodec.quote("your order shipped"));
 *     server.disconnectUser("mallory");                          // closes every open connection of hers
 * }
 * }</pre>
 *
 * <p>Everything is trusted: no token is asked. Receivers see a sender under {@code server:} ({@code orders} becomes
 * {@code server:orders}), which no token's subject may take, so nothing the server sends can pass for a user's.
 *
 * <p>Failures: an invalid argument (room name, user id, connection id, data that is not one JSON value or is over
 * {@value Limits#MAX_DATA_BYTES} bytes, an id or sender the protocol refuses) is an {@link IllegalArgumentException},
 * thrown before anything is written. A valid call that cannot be done is a {@link ServerApiException} with the
 * protocol's error code and whether a retry may help; DynamoDB and gateway failures come as one with
 * {@link ErrorCode#INTERNAL}. A call that posts, on an instance built without a management endpoint, is an
 * {@link IllegalStateException}. Connections the gateway could not reach are counted in the results, not thrown.
 *
 * <p>Instances are thread-safe and meant to live as long as the backend: they hold the SDK clients.
 */
public final class ServerApi implements AutoCloseable {

    private final Switchboard switchboard;
    private final boolean posts;
    private final List<AutoCloseable> owned;

    private ServerApi(Switchboard switchboard, boolean posts, List<AutoCloseable> owned) {
        this.switchboard = switchboard;
        this.posts = posts;
        this.owned = List.copyOf(owned);
    }

    /**
     * From the process environment, with the default AWS credentials chain: the variables the stack's functions read
     * ({@code SWITCHBOARD_TABLE}, {@code SWITCHBOARD_MANAGEMENT_ENDPOINT}, {@code SWITCHBOARD_ROOM_SHARDS},
     * {@code AWS_REGION}, ...), which the stack hands to a function it grants server API calls.
     */
    public static ServerApi fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** From an environment map such as {@code System.getenv()}, with the default AWS credentials chain. */
    public static ServerApi fromEnvironment(Map<String, String> environment) {
        return builder().config(FunctionConfig.from(environment)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@link #publish(String, String, String, String)} from the default sender and without an id. */
    public Published publish(String room, String data) {
        return publish(room, data, null, null);
    }

    /**
     * Publishes to a room: the message gets the room's next seq, is stored in its history, then is posted to every
     * member connected now, as a client's {@code send} is.
     *
     * @param room the room
     * @param data the payload, as JSON text (a string must be quoted: {@code FrameCodec.quote("hi")})
     * @param from the publisher's name, seen as {@code server:<from>}; null for {@value PublishRequest#DEFAULT_SENDER}
     * @param id   an id that makes the call idempotent: a repeat within the idempotency window publishes nothing
     *             new and returns the first message's id and seq; null for none (a repeat then publishes again)
     * @throws IllegalArgumentException for an invalid room, data, sender or id
     * @throws ServerApiException       when a call with the same id is still in progress, or the store failed
     */
    public Published publish(String room, String data, String from, String id) {
        requireRoom(room);
        PublishRequest request = checked(room, null, data, from, id);
        requirePosts();
        Switchboard.Sent sent = call(() -> switchboard.publish(request.room(), request.sender(), request.data(),
                request.id()));
        ServerFrame.Ack ack = acknowledged(sent);
        return new Published(ack.messageId(), ack.seq(), sent.broadcast());
    }

    /** {@link #sendToUser(String, String, String, String)} from the default sender and without an id. */
    public Delivered sendToUser(String user, String data) {
        return sendToUser(user, data, null, null);
    }

    /**
     * Sends a direct message to every open connection of a user, as a client's {@code direct} is sent. Not stored:
     * only connections open now get it.
     *
     * @param user the user
     * @param data the payload, as JSON text
     * @param from the sender's name, seen as {@code server:<from>}; null for {@value PublishRequest#DEFAULT_SENDER}
     * @param id   an id that makes the call idempotent (a repeat delivers nothing new); null for none
     * @throws IllegalArgumentException for an invalid user, data, sender or id
     * @throws ServerApiException       when a call with the same id is still in progress, or the store failed
     */
    public Delivered sendToUser(String user, String data, String from, String id) {
        requireUser(user);
        PublishRequest request = checked(null, user, data, from, id);
        requirePosts();
        Switchboard.Sent sent = call(() -> switchboard.publishToUser(request.user(), request.sender(),
                request.data(), request.id()));
        return new Delivered(acknowledged(sent).messageId(), sent.broadcast());
    }

    /**
     * Makes every open connection of the user a member of the room, with {@link Switchboard#DEFAULT_MEMBER_RIGHTS}
     * (receive the room's messages and resume them).
     *
     * @see #addMember(String, String, RoomAction...)
     */
    public List<MemberChange> addMember(String user, String room) {
        return addMember(user, room, Switchboard.DEFAULT_MEMBER_RIGHTS.actions().toArray(RoomAction[]::new));
    }

    /**
     * Makes every open connection of the user a member of the room, whatever its token says, written as a client's
     * {@code join} is (the room's limit per connection applies) and announced to the room the same way. Connections
     * the user opens later are not joined. A token refresh keeps these memberships; the client may leave them.
     *
     * @param rights what the members may do besides receiving the room's messages: {@link RoomAction#HISTORY},
     *               {@link RoomAction#PRESENCE}, {@link RoomAction#SEND}; none for receiving only
     * @return what happened to each connection the user had open (empty when none was);
     *         {@link MemberChange.Outcome#TOO_MANY_ROOMS} and {@link MemberChange.Outcome#BUSY} were not joined
     * @throws IllegalArgumentException for an invalid user or room, or {@link RoomAction#JOIN} among the rights
     * @throws ServerApiException       when the store failed (some connections may have joined: repeat the call)
     */
    public List<MemberChange> addMember(String user, String room, RoomAction... rights) {
        Rights granted = Rights.of(rights);
        requirePostsAfter(() -> {
            requireUser(user);
            requireRoom(room);
        });
        return call(() -> switchboard.addMember(user, room, granted));
    }

    /**
     * Takes every open connection of the user out of the room, however it joined, as a client's {@code leave} does.
     *
     * @return what happened to each connection the user had open
     * @throws IllegalArgumentException for an invalid user or room
     * @throws ServerApiException       when the store failed (repeat the call)
     */
    public List<MemberChange> removeMember(String user, String room) {
        requirePostsAfter(() -> {
            requireUser(user);
            requireRoom(room);
        });
        return call(() -> switchboard.removeMember(user, room));
    }

    /**
     * Closes every open connection of the user. A connection the gateway closed or found gone has its records
     * removed and its rooms told at once; one it could not close keeps them, so calling again finds it.
     *
     * @return the gateway's answer for each connection the user had open
     * @throws IllegalArgumentException for an invalid user id
     * @throws ServerApiException       when the store failed
     */
    public List<Closed> disconnectUser(String user) {
        requirePostsAfter(() -> requireUser(user));
        return call(() -> switchboard.closeUser(user));
    }

    /**
     * Closes one connection, as {@link #disconnectUser} closes each.
     *
     * @throws IllegalArgumentException for an invalid connection id
     * @throws ServerApiException       when the store failed
     */
    public Closed disconnectConnection(String connectionId) {
        requirePostsAfter(() -> {
            if (!Limits.isValidConnectionId(connectionId)) {
                throw new IllegalArgumentException("invalid connection id: 1-" + Limits.MAX_CONNECTION_ID_LENGTH
                        + " characters of letters, digits, + / = _ -");
            }
        });
        return call(() -> switchboard.closeConnection(connectionId));
    }

    /**
     * Who is in the room: each user with their connections there, leaving out connections whose token expired.
     *
     * @throws IllegalArgumentException for an invalid room name
     */
    public List<ServerFrame.Member> presence(String room) {
        return call(() -> switchboard.roomPresence(room));
    }

    /** {@link #history(String, long, int)} with the largest page, {@value Limits#HISTORY_PAGE_SIZE} messages. */
    public HistoryPage history(String room, long after) {
        return history(room, after, Limits.HISTORY_PAGE_SIZE);
    }

    /**
     * The room's stored messages after a position ({@code 0} for the oldest still kept), as a client resuming from
     * there reads them.
     *
     * @param limit most messages in the page, 1 to {@value Limits#HISTORY_PAGE_SIZE}
     * @throws IllegalArgumentException for an invalid room, a negative position or a limit out of range
     */
    public HistoryPage history(String room, long after, int limit) {
        ServerFrame.History page = call(() -> switchboard.roomHistory(room, after, limit));
        return new HistoryPage(page.messages(), page.more(), page.seq());
    }

    /** Closes the SDK clients this instance built (not those handed to its builder). */
    @Override
    public void close() {
        RuntimeException failed = null;
        // The clients before the credentials they sign with.
        for (AutoCloseable closeable : owned.reversed()) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new IllegalStateException("could not close an SDK client", e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** A publish request checked by the protocol's own rules, or the rule it broke as an argument error. */
    private static PublishRequest checked(String room, String user, String data, String from, String id) {
        if (id != null && !Limits.isValidId(id)) {
            throw new IllegalArgumentException("invalid id: 1-" + Limits.MAX_ID_LENGTH
                    + " printable ASCII characters without spaces");
        }
        try {
            return new PublishRequest(room, user, FrameCodec.requireJsonValue(data), from, id);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + e.code() + ")", e);
        }
    }

    private static void requireRoom(String room) {
        if (!Limits.isValidRoom(room)) {
            throw new IllegalArgumentException("invalid room name: 1-" + Limits.MAX_ROOM_LENGTH
                    + " characters of letters, digits, _ . : - ~");
        }
    }

    private static void requireUser(String user) {
        if (!Limits.isValidUser(user)) {
            throw new IllegalArgumentException("invalid user id: 1-" + Limits.MAX_USER_LENGTH
                    + " characters, no control characters");
        }
    }

    /** Arguments first, then whether this instance can post at all. */
    private void requirePostsAfter(Runnable argumentChecks) {
        argumentChecks.run();
        requirePosts();
    }

    private void requirePosts() {
        if (!posts) {
            throw new IllegalStateException("this server API has no management endpoint (" + EnvNames.MANAGEMENT_ENDPOINT
                    + "): it cannot reach connections, only read presence and history");
        }
    }

    /** Runs a call, turning DynamoDB's and the gateway's failures into a temporary {@link ServerApiException}. */
    private static <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            throw new ServerApiException(ErrorCode.INTERNAL, "DynamoDB or the gateway failed: " + e.getMessage(), e);
        }
    }

    private static ServerFrame.Ack acknowledged(Switchboard.Sent sent) {
        return switch (sent.reply()) {
            case ServerFrame.Ack ack -> ack;
            case ServerFrame.Error error -> throw new ServerApiException(error.code(), error.message());
            default -> throw new IllegalStateException("unexpected reply " + sent.reply());
        };
    }

    /**
     * Builds a {@link ServerApi}. The configuration is required; the clients default to ones built from it (the
     * URL connection HTTP client, no SDK retries for {@code @connections}, as the functions build them).
     */
    public static final class Builder {
        private FunctionConfig config;
        private AwsCredentialsProvider credentials;
        private DynamoDbClient dynamoDb;
        private ApiGatewayManagementApiClient managementApi;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Table, region, management endpoint, room shards and the core's settings: the same values the deployed
         * functions use ({@code FunctionConfig.from(environment)}), or the local stack's.
         */
        public Builder config(FunctionConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Credentials for the clients this builder makes; the default chain unless set. */
        public Builder credentials(AwsCredentialsProvider value) {
            this.credentials = Objects.requireNonNull(value, "credentials");
            return this;
        }

        /** A DynamoDB client of the caller's, left open by {@link ServerApi#close()}. */
        public Builder dynamoDb(DynamoDbClient value) {
            this.dynamoDb = Objects.requireNonNull(value, "dynamoDb");
            return this;
        }

        /**
         * A management API client of the caller's for the stage's {@code @connections}, left open by
         * {@link ServerApi#close()}; best built without SDK retries, as the broadcaster retries posts itself.
         */
        public Builder managementApi(ApiGatewayManagementApiClient value) {
            this.managementApi = Objects.requireNonNull(value, "managementApi");
            return this;
        }

        /** The clock messages are stamped by and token expiry is judged by; the system's unless set. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** @throws IllegalStateException without a configuration */
        public ServerApi build() {
            if (config == null) {
                throw new IllegalStateException("a configuration is required: config(FunctionConfig.from(env))");
            }
            List<AutoCloseable> owned = new ArrayList<>();
            AwsCredentialsProvider chosen = credentials;
            if (chosen == null && (dynamoDb == null || managementApi == null)) {
                DefaultCredentialsProvider defaults = DefaultCredentialsProvider.builder().build();
                owned.add(defaults);
                chosen = defaults;
            }
            DynamoDbClient table = dynamoDb;
            if (table == null) {
                table = AwsClients.dynamoDb(config, chosen);
                owned.add(table);
            }
            ApiGatewayManagementApiClient gateway = managementApi;
            if (gateway == null && config.managementEndpoint().isPresent()) {
                gateway = AwsClients.managementApi(config.managementEndpoint().get(), Region.of(config.region()),
                        chosen);
                owned.add(gateway);
            }
            return new ServerApi(ServerWiring.switchboard(config, table, gateway, clock), gateway != null, owned);
        }
    }
}
