package dev.switchboard.local;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.functions.aws.SwitchboardEvent;
import dev.switchboard.functions.aws.TableChange;
import dev.switchboard.functions.aws.TableEvents;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The event stream on the local stack ({@code ./switchboard local --events URL|stdout}): DynamoDB Local's stream of
 * the table, read with the SDK's {@link DynamoDbStreamsClient} at DynamoDB Local's endpoint, translated by the same
 * {@link TableEvents} as the events function in AWS, and each event written as the JSON envelope EventBridge's
 * consumers see ({@code detail-type}, {@code source}, {@code time}, {@code detail}): POSTed to the URL, or printed as
 * one line on standard output.
 *
 * <p>Events go out one at a time, in the stream's order. A POST that fails (no answer, or not 2xx) is tried again
 * with backoff; one that still fails is logged with its event and counted ({@link #failed()}, and the stack's last
 * log line), never dropped silently.
 *
 * <pre>{@code
 * LocalEvents.Target target = LocalEvents.Target.parse("http://127.0.0.1:8080/events");
 * }</pre>
 */
public final class LocalEvents implements AutoCloseable {

    /** The flag, as {@link Main} and the usage name it. */
    public static final String FLAG = "--events";
    /** Attempts of one POST, the first included, and the backoff between them. */
    static final RetryPolicy POST_RETRY = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2));
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(5);
    /** How long the reader waits when a pass over the shards found nothing new. */
    private static final Duration IDLE_POLL = Duration.ofMillis(50);
    /** How often the reader looks for shards DynamoDB Local started since. */
    private static final Duration SHARD_REFRESH = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Events");

    /** Where the events go. */
    public sealed interface Target permits Stdout, Post {

        /**
         * {@code stdout}, or an {@code http://} or {@code https://} URL of the receiver (yours: any host).
         *
         * @throws IllegalArgumentException naming the flag, for anything else
         */
        static Target parse(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(FLAG + " needs 'stdout' or an http(s) URL");
            }
            if (value.equals("stdout")) {
                return new Stdout();
            }
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(FLAG + " takes 'stdout' or an http(s) URL such as"
                        + " http://127.0.0.1:8080/events, got '" + value + "' (" + e.getReason() + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException(FLAG + " takes 'stdout' or an http(s) URL such as"
                        + " http://127.0.0.1:8080/events, got '" + value + "'");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(FLAG + " takes a URL without credentials in it, got one with '"
                        + uri.getRawUserInfo() + "@'");
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException(FLAG + " takes a URL without a #fragment");
            }
            return new Post(uri);
        }

        /** What the banner says. */
        String describe();
    }

    /** One JSON line per event on standard output. */
    public record Stdout() implements Target {
        @Override
        public String describe() {
            return "stdout, one JSON line each";
        }
    }

    /** Each event POSTed as JSON to the URL. */
    public record Post(URI url) implements Target {
        public Post {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String describe() {
            return "POST " + url;
        }
    }

    /** The command line without {@value #FLAG} and its value, and the target it named. */
    record Extracted(String[] rest, Optional<Target> target) {
    }

    /**
     * Takes {@value #FLAG} out of the local stack's flags (the other flags stay {@link LocalRuntimeOptions}'s).
     *
     * @throws IllegalArgumentException when the flag has no value, a bad one, or is given twice
     */
    static Extracted extract(String... args) {
        List<String> rest = new ArrayList<>();
        Optional<Target> target = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals(FLAG)) {
                rest.add(args[i]);
                continue;
            }
            if (target.isPresent()) {
                throw new IllegalArgumentException(FLAG + " is given twice");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(FLAG + " needs 'stdout' or an http(s) URL");
            }
            target = Optional.of(Target.parse(args[++i]));
        }
        return new Extracted(rest.toArray(String[]::new), target);
    }

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final ShardIteratorType firstPosition;
    private final Sink sink;
    private final Thread reader;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stopping;

    private LocalEvents(DynamoDbStreamsClient streams, String streamArn, ShardIteratorType firstPosition, Sink sink) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.firstPosition = firstPosition;
        this.sink = sink;
        this.reader = Thread.ofPlatform().name("switchboard-events").daemon().unstarted(this::read);
    }

    /**
     * Turns the table's stream on (both images, as deployed) unless it is, and starts reading it: from its start when
     * it was just turned on, from now when it was already on (a table kept with {@code --db-file}), so an earlier
     * run's events are not sent again.
     */
    static LocalEvents start(URI dynamoDbEndpoint, String table, AwsCredentialsProvider credentials, Target target,
                             String source) {
        String streamArn;
        ShardIteratorType position;
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint)
                .region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            TableDescription description = dynamoDb.describeTable(r -> r.tableName(table)).table();
            StreamSpecification current = description.streamSpecification();
            if (current != null && Boolean.TRUE.equals(current.streamEnabled())
                    && current.streamViewType() == StreamViewType.NEW_AND_OLD_IMAGES) {
                streamArn = description.latestStreamArn();
                position = ShardIteratorType.LATEST;
            } else {
                streamArn = dynamoDb.updateTable(r -> r.tableName(table).streamSpecification(s -> s
                        .streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)))
                        .tableDescription().latestStreamArn();
                position = ShardIteratorType.TRIM_HORIZON;
            }
        }
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(dynamoDbEndpoint)
                .region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        Sink sink = switch (target) {
            case Stdout stdout -> new PrintSink(System.out, source);
            case Post post -> new PostSink(post.url(), source);
        };
        LocalEvents events = new LocalEvents(streams, streamArn, position, sink);
        events.reader.start();
        return events;
    }

    /** Events written or posted. */
    public long delivered() {
        return delivered.get();
    }

    /** Events that could not be posted after the retries, each logged. */
    public long failed() {
        return failed.get();
    }

    /** Stops reading; an event being posted is given up (and counted). */
    @Override
    public void close() {
        stopping = true;
        reader.interrupt();
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.close();
    }

    private void read() {
        Map<String, String> iterators = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        Instant nextRefresh = Instant.MIN;
        boolean first = true;
        while (!stopping) {
            try {
                if (Instant.now().isAfter(nextRefresh) || iterators.isEmpty()) {
                    for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription()
                            .shards()) {
                        if (!seen.contains(shard.shardId())) {
                            seen.add(shard.shardId());
                            // Shards found at start open where the stream is read from; later ones from their start.
                            ShardIteratorType type = first ? firstPosition : ShardIteratorType.TRIM_HORIZON;
                            iterators.put(shard.shardId(), streams.getShardIterator(r -> r.streamArn(streamArn)
                                    .shardId(shard.shardId()).shardIteratorType(type)).shardIterator());
                        }
                    }
                    first = false;
                    nextRefresh = Instant.now().plus(SHARD_REFRESH);
                }
                boolean any = false;
                for (Map.Entry<String, String> shard : List.copyOf(iterators.entrySet())) {
                    GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(shard.getValue()));
                    for (Record record : page.records()) {
                        any = true;
                        publish(record);
                    }
                    if (page.nextShardIterator() == null) {
                        iterators.remove(shard.getKey());
                    } else {
                        iterators.put(shard.getKey(), page.nextShardIterator());
                    }
                }
                if (!any) {
                    Thread.sleep(IDLE_POLL);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("reading the table's stream failed ({}); reading again", e.getMessage());
                iterators.clear();
                seen.clear();
                try {
                    Thread.sleep(SHARD_REFRESH);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void publish(Record record) throws InterruptedException {
        Optional<SwitchboardEvent> event;
        try {
            event = TableEvents.translate(change(record));
        } catch (IllegalArgumentException e) {
            failed.incrementAndGet();
            LOG.error("a change of the table cannot be translated ({}): event {} not sent", e.getMessage(),
                    record.eventID());
            return;
        }
        if (event.isEmpty()) {
            return;
        }
        boolean sent;
        try {
            sent = sink.deliver(event.get());
        } catch (InterruptedException e) {
            // The stack is stopping in the middle of this event's POST.
            failed.incrementAndGet();
            LOG.error("{} event NOT delivered: the stack stopped while posting it: {}", event.get().detailType(),
                    event.get().envelope(TableEvents.DEFAULT_SOURCE));
            throw e;
        }
        if (sent) {
            delivered.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
    }

    /** A record of the SDK's streams client as the translation takes it (the same attribute model). */
    static TableChange change(Record record) {
        var stream = record.dynamodb();
        boolean expired = record.userIdentity() != null
                && TableChange.TTL_PRINCIPAL.equals(record.userIdentity().principalId());
        return new TableChange(record.eventID(), TableChange.Kind.valueOf(record.eventNameAsString()), stream.keys(),
                stream.newImage(), stream.oldImage(), stream.sequenceNumber(),
                stream.approximateCreationDateTime() == null ? Instant.now() : stream.approximateCreationDateTime(),
                expired);
    }

    /** Writes one event; false when it could not be written after its retries (it is logged then). */
    private interface Sink {
        boolean deliver(SwitchboardEvent event) throws InterruptedException;
    }

    private record PrintSink(PrintStream out, String source) implements Sink {
        @Override
        public boolean deliver(SwitchboardEvent event) {
            out.println(event.envelope(source));
            out.flush();
            return !out.checkError();
        }
    }

    private static final class PostSink implements Sink {
        private final URI url;
        private final String source;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(POST_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private final RandomGenerator random = RandomGenerator.getDefault();

        PostSink(URI url, String source) {
            this.url = url;
            this.source = source;
        }

        @Override
        public boolean deliver(SwitchboardEvent event) throws InterruptedException {
            String envelope = event.envelope(source);
            HttpRequest request = HttpRequest.newBuilder(url).timeout(POST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8)).build();
            String last = "";
            for (int attempt = 1; attempt <= POST_RETRY.maxAttempts(); attempt++) {
                if (attempt > 1) {
                    Thread.sleep(POST_RETRY.delayBeforeRetry(attempt - 1, random));
                }
                try {
                    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status / 100 == 2) {
                        return true;
                    }
                    last = "HTTP " + status;
                } catch (IOException e) {
                    last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
                LOG.warn("POST of a {} event to {} failed ({}), attempt {} of {}", event.detailType(), url, last,
                        attempt, POST_RETRY.maxAttempts());
            }
            LOG.error("{} event NOT delivered to {} after {} attempts ({}): {}", event.detailType(), url,
                    POST_RETRY.maxAttempts(), last, envelope);
            return false;
        }
    }
}
