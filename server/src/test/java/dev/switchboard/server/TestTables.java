package dev.switchboard.server;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.local.DynamoDbLocalServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** One DynamoDB Local per test JVM, in memory on a loopback port; a fresh Switchboard table per test. */
final class TestTables {

    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private static final DynamoDbLocalServer SERVER = start();
    /** The SDK's own client over HTTP, as a backend's would be. */
    private static final DynamoDbClient CLIENT = DynamoDbClient.builder()
            .endpointOverride(SERVER.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .build();

    private TestTables() {
    }

    private static DynamoDbLocalServer start() {
        DynamoDbLocalServer server = DynamoDbLocalServer.start(Optional.empty());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }

    static URI endpoint() {
        return SERVER.endpoint();
    }

    static DynamoDbClient client() {
        return CLIENT;
    }

    static String newTable() {
        String name = "switchboard-server-test-" + UUID.randomUUID();
        SwitchboardTable.createIfMissing(CLIENT, name);
        return name;
    }

    /** The environment a backend would be given for the table and a gateway (null for none). */
    static Map<String, String> environment(String table, URI managementEndpoint) {
        Map<String, String> env = new HashMap<>(Map.of(
                EnvNames.TABLE_NAME, table,
                EnvNames.DYNAMODB_ENDPOINT, SERVER.endpoint().toString(),
                EnvNames.REGION, "us-east-1"));
        if (managementEndpoint != null) {
            env.put(EnvNames.MANAGEMENT_ENDPOINT, managementEndpoint.toString());
        }
        return env;
    }
}
