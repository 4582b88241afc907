package dev.switchboard.functions.bench;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Grant;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.aws.LocalDynamoDb;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.functions.aws.TableSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * What each client-facing request costs the store: the DynamoDB calls it makes and their request units, in rooms of
 * a few members and of more members than presence events are sent to. Default settings (presence events on for
 * rooms of up to 100 members), one shard, posts answered at once in-process. Prints a Markdown table. Run by
 * {@code scripts/store-calls.sh}.
 *
 * <p>Units: every request asks for its consumed capacity ({@code ReturnConsumedCapacity=TOTAL}) and DynamoDB Local
 * reports it from the items' sizes (reads in 4 KB units, strongly consistent; writes in 1 KB units). It reports a
 * transaction's items once each where DynamoDB bills them twice, so a transaction's units are doubled here. A call
 * the store refuses (a failed condition) reports nothing; it is listed, marked {@code (refused)}, with no units.
 */
public final class StoreCalls {

    private static final String ID_PREFIX = "c-";

    /** One DynamoDB call as the interceptor saw it; units null when it was refused. */
    private record Call(String operation, Double units) {
        boolean reads() {
            return operation.equals("GetItem") || operation.equals("Query") || operation.equals("BatchGetItem");
        }

        double billed() {
            if (units == null) {
                return 0;
            }
            return operation.equals("TransactWriteItems") ? 2 * units : units;
        }

        String label() {
            return units == null ? operation + " (refused)" : operation;
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final DynamoDbClient dynamoDb;
    private final Switchboard switchboard;
    private final ConnectionStore store;
    private int connections;

    private StoreCalls() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(LocalDynamoDb.client().serviceClientConfiguration().endpointOverride().orElseThrow())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new Recorder()))
                .build();
        String table = "store-calls-" + UUID.randomUUID();
        SwitchboardTable.createIfMissing(dynamoDb, table);
        TestSwitchboard kit = TableSwitchboard.over(dynamoDb, table)
                .sender((id, payload) -> SendOutcome.DELIVERED).maxInFlight(64)
                .policy(RoomPolicy.named("open"))
                .clock(Clock.systemUTC())
                .build();
        store = kit.store();
        switchboard = kit.switchboard();
    }

    public static void main(String[] args) {
        new StoreCalls().run();
        System.exit(0);
    }

    private void run() {
        int presenceLimit = CoreSettings.defaults().presenceMaxRoomSize();
        // A small room of three other users, a big one of more members than presence events go to; each has a
        // few messages.
        for (int i = 0; i < 3; i++) {
            join(connect("small-" + i), "small");
        }
        for (int i = 0; i < presenceLimit + 20; i++) {
            String id = connect("big-" + i);
            // Seated straight through the store: only the measured requests go through the core.
            store.join(id, "big", Rights.ALL, CoreSettings.defaults().maxRooms());
        }
        String sender = connect("sender");
        join(sender, "small");
        join(sender, "big");
        for (int i = 0; i < 3; i++) {
            send(sender, "small", "m" + i);
            send(sender, "big", "m" + i);
        }

        System.out.println("| request | DynamoDB calls | read units | write units |");
        System.out.println("|---|---|---:|---:|");
        String alice = measure("`$connect`", () -> connect("alice"));
        measure("`join`, room of 4 (presence event posted)", () -> join(alice, "small"));
        measure("`join`, room of " + (presenceLimit + 21) + " (too big for presence events)",
                () -> join(alice, "big"));
        String bob = connect("bob");
        measure("`join` with `after` (3 messages to resume), room of 5", () -> switchboard.join(bob,
                new ClientFrame.Join("j", "small", 0L)));
        measure("`join` again (already a member)", () -> join(alice, "small"));
        measure("`send` with an id, room of 6", () -> send(alice, "small", "s1"));
        measure("`send` with the same id again", () -> send(alice, "small", "s1"));
        measure("`send` without an id, room of 6", () -> send(alice, "small", null));
        measure("`send` with an id, room of " + (presenceLimit + 22), () -> send(alice, "big", "s2"));
        measure("`leave`, room of 6", () -> switchboard.leave(bob, new ClientFrame.Leave("l", "small")));
        measure("`$disconnect`, in a room of 5 and one of " + (presenceLimit + 22),
                () -> switchboard.disconnect(alice));
    }

    private String measure(String what, Supplier<String> request) {
        calls.clear();
        String result = request.get();
        List<Call> made = List.copyOf(calls);
        double read = made.stream().filter(Call::reads).mapToDouble(Call::billed).sum();
        double write = made.stream().filter(call -> !call.reads()).mapToDouble(Call::billed).sum();
        System.out.printf(Locale.ROOT, "| %s | %d: %s | %s | %s |%n", what, made.size(),
                String.join(", ", made.stream().map(Call::label).toList()), units(read), units(write));
        return result;
    }

    private String measure(String what, Runnable request) {
        return measure(what, () -> {
            request.run();
            return null;
        });
    }

    private static String units(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private String connect(String user) {
        String id = ID_PREFIX + (connections++);
        switchboard.connect(id, user, "203.0.113.9", Grant.NONE);
        return id;
    }

    private void join(String connectionId, String room) {
        expectAck(switchboard.join(connectionId, new ClientFrame.Join("j", room, null)));
    }

    private void send(String connectionId, String room, String id) {
        String user = store.find(connectionId).orElseThrow().userId();
        calls.clear();
        expectAck(switchboard.send(connectionId, user, new ClientFrame.Send(id, room, "\"hello\"")).reply());
    }

    private static void expectAck(ServerFrame reply) {
        if (!(reply instanceof ServerFrame.Ack)) {
            throw new IllegalStateException("unexpected reply " + reply);
        }
    }

    /** Asks every request for its consumed capacity and records what the response says. */
    private final class Recorder implements ExecutionInterceptor {
        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            return switch (context.request()) {
                case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
                case QueryRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
                case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
                case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
                case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
                case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
                case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
                case TransactWriteItemsRequest r -> r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
                default -> context.request();
            };
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            List<ConsumedCapacity> consumed = switch (context.response()) {
                case GetItemResponse r -> single(r.consumedCapacity());
                case QueryResponse r -> single(r.consumedCapacity());
                case PutItemResponse r -> single(r.consumedCapacity());
                case UpdateItemResponse r -> single(r.consumedCapacity());
                case DeleteItemResponse r -> single(r.consumedCapacity());
                case BatchGetItemResponse r -> r.consumedCapacity();
                case BatchWriteItemResponse r -> r.consumedCapacity();
                case TransactWriteItemsResponse r -> r.consumedCapacity();
                default -> List.of();
            };
            double units = consumed.stream().mapToDouble(c -> c.capacityUnits() == null ? 0 : c.capacityUnits()).sum();
            calls.add(new Call(operation, units));
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), null));
        }

        private static List<ConsumedCapacity> single(ConsumedCapacity capacity) {
            return capacity == null ? List.of() : List.of(capacity);
        }
    }
}
