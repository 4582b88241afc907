package dev.switchboard.local;

import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.embedded.DDBExceptionMappingInvocationHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;

/**
 * The SDK's {@link DynamoDbClient} interface served by DynamoDB Local's engine in this JVM: the request objects the
 * adapters build go straight to the engine that DynamoDB Local's HTTP endpoint also serves, with no HTTP, JSON or
 * signing in between, and the engine's errors become the SDK's exception types (as DynamoDB Local's own embedded
 * client maps them), so the adapters see what they see over HTTP.
 *
 * <p>Every call runs on one platform thread of its own, one after another, while the caller waits. DynamoDB Local
 * executes every SQL statement on a single SQLite thread and hands each statement over through one lock; with
 * many callers the hand-over, not the work, takes the time (measured: one caller at a time seated more
 * connections per second than sixteen), and a virtual thread as the caller would be unmounted and remounted at
 * every statement of a call rather than once per call (measured: 9.3-9.6 ms of CPU per join with a semaphore
 * letting one virtual thread in at a time, 8.1-8.5 ms with this thread).
 */
final class InProcessDynamoDbClient implements DynamoDbClient {

    /** Requests are filed under this account and region; the engine keeps one shared database for all of them. */
    private static final String ACCESS_KEY = "local";
    private static final String REGION = "us-east-1";

    private final LocalDynamoDBRequestHandler engine;
    private final ExecutorService caller;

    InProcessDynamoDbClient(LocalDynamoDBRequestHandler engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.caller = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("dynamodb-local-caller")
                .daemon().factory());
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return call(() -> engine.getItem(ACCESS_KEY, REGION, request));
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return call(() -> engine.putItem(ACCESS_KEY, REGION, request));
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call(() -> engine.updateItem(ACCESS_KEY, REGION, request));
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return call(() -> engine.deleteItem(ACCESS_KEY, REGION, request));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return call(() -> engine.query(ACCESS_KEY, REGION, request));
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return call(() -> engine.scan(ACCESS_KEY, REGION, request));
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        return call(() -> engine.batchGetItem(ACCESS_KEY, REGION, request));
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        return call(() -> engine.batchWriteItem(ACCESS_KEY, REGION, request));
    }

    @Override
    public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
        return call(() -> engine.transactGetItems(ACCESS_KEY, REGION, request));
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return call(() -> engine.transactWriteItems(ACCESS_KEY, REGION, request));
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        return call(() -> engine.createTable(ACCESS_KEY, REGION, request));
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        return call(() -> engine.describeTable(ACCESS_KEY, REGION, request));
    }

    @Override
    public DeleteTableResponse deleteTable(DeleteTableRequest request) {
        return call(() -> engine.deleteTable(ACCESS_KEY, REGION, request));
    }

    @Override
    public ListTablesResponse listTables(ListTablesRequest request) {
        return call(() -> engine.listTables(ACCESS_KEY, REGION, request));
    }

    @Override
    public UpdateTimeToLiveResponse updateTimeToLive(UpdateTimeToLiveRequest request) {
        return call(() -> engine.updateTimeToLive(ACCESS_KEY, REGION, request));
    }

    @Override
    public DescribeTimeToLiveResponse describeTimeToLive(DescribeTimeToLiveRequest request) {
        return call(() -> engine.describeTimeToLive(ACCESS_KEY, REGION, request));
    }

    @Override
    public DynamoDbWaiter waiter() {
        return DynamoDbWaiter.builder().client(this).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /** Stops taking calls; the engine belongs to {@link DynamoDbLocalServer}, which shuts it down. */
    @Override
    public void close() {
        caller.shutdown();
    }

    private <T> T call(Supplier<T> operation) {
        Future<T> result = caller.submit(operation::get);
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DynamoDBLocalServiceException local) {
                throw asSdkException(local);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("DynamoDB Local failed", cause);
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while waiting for DynamoDB Local", e);
        }
    }

    /** DynamoDB Local's exception as the SDK's own type (ConditionalCheckFailedException, TransactionCanceled...). */
    static RuntimeException asSdkException(DynamoDBLocalServiceException e) {
        try {
            DDBExceptionMappingInvocationHandler.handleDynamoDBLocalServiceException(e);
        } catch (RuntimeException mapped) {
            return mapped;
        } catch (Throwable unexpected) {
            return new IllegalStateException("DynamoDB Local failed", unexpected);
        }
        return e;
    }
}
