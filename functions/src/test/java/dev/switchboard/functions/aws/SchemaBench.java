package dev.switchboard.functions.aws;

import dev.switchboard.functions.bench.BeanItem;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One fresh-JVM measurement of the cold cost of the table mapping: from nothing to the first item written and
 * read back, with the store's static immutable schema or with a reflective bean schema. The DynamoDB client is built and
 * warmed first with a DescribeTable, so the difference is the mapping alone. Arguments: {@code static|bean
 * endpoint table}. Run by {@code scripts/bench-table-schema.sh}.
 */
public final class SchemaBench {

    private SchemaBench() {
    }

    public static void main(String[] args) {
        String variant = args[0];
        DynamoDbClient dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create(args[1]))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        String table = args[2];
        SwitchboardTable.createIfMissing(dynamoDb, table);
        dynamoDb.describeTable(r -> r.tableName(table));

        long start = System.nanoTime();
        Instant now = Instant.now();
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build();
        if (variant.equals("static")) {
            DynamoDbTable<ConnectionItem> items = enhanced.table(table, ConnectionItem.SCHEMA);
            ConnectionItem item = new ConnectionItem("CONN#bench", "META", "user", now.toEpochMilli(), null,
                    now.plus(Duration.ofHours(3)).getEpochSecond(), "|", null, java.util.Map.of(), 0L, null, null,
                    null);
            items.putItem(item);
            items.getItem(item);
        } else {
            DynamoDbTable<BeanItem> beans = enhanced.table(table, TableSchema.fromBean(BeanItem.class));
            BeanItem item = new BeanItem();
            item.setPk("CONN#bench");
            item.setSk("META");
            item.setUserId("user");
            item.setConnectedAt(now.toEpochMilli());
            item.setExpiresAt(now.plus(Duration.ofHours(3)).getEpochSecond());
            item.setCapabilities("|");
            item.setRooms(java.util.Map.of());
            item.setRevision(0L);
            beans.putItem(item);
            beans.getItem(item);
        }
        System.out.printf(Locale.ROOT, "{\"variant\":\"%s\",\"first_write_and_read_ms\":%.1f}%n", variant,
                (System.nanoTime() - start) / 1e6);
        System.exit(0);
    }
}
