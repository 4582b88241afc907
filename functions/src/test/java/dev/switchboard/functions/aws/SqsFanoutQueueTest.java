package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.FanoutQueue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS adapter through the real SDK client against a local endpoint that answers SQS's JSON protocol
 * ({@code AmazonSQS.SendMessageBatch}), recording every batch and refusing the entries a test asks it to.
 */
class SqsFanoutQueueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI QUEUE = URI.create("https://sqs.us-east-1.amazonaws.com/123456789012/switchboard-fanout");

    private final List<JsonNode> batches = new CopyOnWriteArrayList<>();
    /** Message bodies the endpoint refuses (every time they come). */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private SqsClient sqs;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            batches.add(request);
            ObjectNode response = JSON.createObjectNode();
            ArrayNode successful = response.putArray("Successful");
            ArrayNode failed = response.putArray("Failed");
            for (JsonNode entry : request.path("Entries")) {
                if (refused.contains(entry.path("MessageBody").asText())) {
                    failed.addObject().put("Id", entry.path("Id").asText()).put("Code", "InternalError")
                            .put("SenderFault", false).put("Message", "try again");
                } else {
                    successful.addObject().put("Id", entry.path("Id").asText())
                            .put("MessageId", "msg-" + entry.path("Id").asText()).put("MD5OfMessageBody", "x");
                }
            }
            byte[] body = "AmazonSQS.SendMessageBatch".equals(target)
                    ? JSON.writeValueAsBytes(response) : "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders("AmazonSQS.SendMessageBatch".equals(target) ? 200 : 400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                // The local endpoint does not compute SQS's MD5 of message attributes.
                .checksumValidationEnabled(false)
                .build();
    }

    @AfterEach
    void stop() {
        sqs.close();
        server.stop(0);
    }

    private static FanoutQueue.Job job(int shard, String body) {
        return new FanoutQueue.Job.Shard("stadium", shard, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jobsGoOutTenPerBatchWithTheFrameAsBodyAndRoomAndShardAsAttributes() {
        new SqsFanoutQueue(sqs, QUEUE).enqueue(IntStream.range(1, 26).mapToObj(i -> job(i, "frame-" + i)).toList());

        assertThat(batches).extracting(b -> b.path("Entries").size()).containsExactly(10, 10, 5);
        assertThat(batches).allSatisfy(b -> assertThat(b.path("QueueUrl").asText()).isEqualTo(QUEUE.toString()));
        JsonNode first = batches.getFirst().path("Entries").get(0);
        assertThat(first.path("MessageBody").asText()).isEqualTo("frame-1");
        assertThat(first.path("MessageAttributes").path("room").path("StringValue").asText()).isEqualTo("stadium");
        assertThat(first.path("MessageAttributes").path("shard").path("DataType").asText()).isEqualTo("Number");
        assertThat(first.path("MessageAttributes").path("shard").path("StringValue").asText()).isEqualTo("1");
        assertThat(batches.stream().flatMap(b -> b.path("Entries").valueStream()).map(e -> e.path("Id").asText())
                .distinct().count()).as("ids are unique within each batch").isEqualTo(10);
    }

    @Test
    void bigFramesAreSplitSoNoBatchExceedsTwoHundredKilobytes() {
        String big = "x".repeat(120 * 1024);
        new SqsFanoutQueue(sqs, QUEUE).enqueue(List.of(job(1, big), job(2, big), job(3, "small")));

        assertThat(batches).extracting(b -> b.path("Entries").size()).containsExactly(1, 2);
    }

    @Test
    void refusedEntriesAreSentOnceMoreAloneAndThoseRefusedTwiceAreReturned() {
        refused.add("frame-2");
        FanoutQueue queue = new SqsFanoutQueue(sqs, QUEUE);

        List<FanoutQueue.Job> notQueued = queue.enqueue(List.of(job(1, "frame-1"), job(2, "frame-2"),
                job(3, "frame-3")));

        assertThat(notQueued).extracting(job -> ((FanoutQueue.Job.Shard) job).shard()).containsExactly(2);
        assertThat(batches).extracting(b -> b.path("Entries").size()).containsExactly(3, 1);
        assertThat(batches.get(1).path("Entries").get(0).path("MessageBody").asText()).isEqualTo("frame-2");
        assertThat(queue.enqueue(List.of(job(4, "frame-4")))).as("all accepted").isEmpty();
    }

    @Test
    void recipientsForALaterAttemptGoOutNamedWithTheirAttemptAndTheJobsDelay() {
        new SqsFanoutQueue(sqs, QUEUE).enqueue(List.of(new FanoutQueue.Job.Connections(List.of("a=", "b-_"),
                "frame".getBytes(StandardCharsets.UTF_8), 2, Duration.ofSeconds(8))));

        JsonNode entry = batches.getFirst().path("Entries").get(0);
        assertThat(entry.path("MessageBody").asText()).isEqualTo("frame");
        assertThat(entry.path("DelaySeconds").asInt()).isEqualTo(8);
        assertThat(entry.path("MessageAttributes").path("connections").path("StringValue").asText())
                .isEqualTo("a= b-_");
        assertThat(entry.path("MessageAttributes").path("attempt").path("StringValue").asText()).isEqualTo("2");
        assertThat(entry.path("MessageAttributes").has("room")).isFalse();
    }
}
