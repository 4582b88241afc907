package com.example.supportdesk;

import dev.switchboard.server.ServerApi;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * What the handlers' no-argument constructors build, once per Lambda instance: the desk's DynamoDB client from its
 * {@link DeskConfig}, and Switchboard's server API from the environment the stack gives (the same variables as
 * Switchboard's own functions read).
 */
final class DeskClients {

    private DeskClients() {
    }

    static DeskConfig config() {
        return DeskConfig.from(System.getenv());
    }

    static DynamoDbClient dynamoDb(DeskConfig config) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().region(Region.of(config.region()))
                .httpClient(UrlConnectionHttpClient.create());
        config.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    static Tickets tickets() {
        DeskConfig config = config();
        return new Tickets(dynamoDb(config), config.ticketsTable());
    }

    static Transcripts transcripts() {
        DeskConfig config = config();
        return new Transcripts(dynamoDb(config), config.transcriptsTable());
    }

    static ServerApi serverApi() {
        return ServerApi.fromEnvironment();
    }
}
