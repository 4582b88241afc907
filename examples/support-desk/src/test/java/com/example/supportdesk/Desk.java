package com.example.supportdesk;

import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.server.ServerApi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole desk on a laptop: Switchboard's local runtime with the desk's typing route and onJoin hook (the
 * deployed classes, served over loopback HTTP), the desk's tables in the runtime's DynamoDB Local, and the server API
 * the close-ticket operation uses, reaching the runtime as a backend would.
 */
final class Desk implements AutoCloseable {

    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    private static final AtomicInteger TICKETS = new AtomicInteger();

    final AppEndpoints endpoints;
    final LocalSwitchboard switchboard;
    final DynamoDbClient dynamoDb;
    final ServerApi server;
    final Tickets tickets;
    final Transcripts transcripts;
    final CloseTicketHandler closeTicket;

    private Desk(AppEndpoints endpoints, LocalSwitchboard switchboard) {
        this.endpoints = endpoints;
        this.switchboard = switchboard;
        dynamoDb = DynamoDbClient.builder().endpointOverride(switchboard.dynamoDbEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
        Tickets.createTable(dynamoDb, "support-desk-tickets");
        Transcripts.createTable(dynamoDb, "support-desk-transcripts");
        tickets = new Tickets(dynamoDb, "support-desk-tickets");
        transcripts = new Transcripts(dynamoDb, "support-desk-transcripts");
        server = ServerApi.builder().config(FunctionConfig.from(switchboard.serverApiEnvironment()))
                .credentials(CREDENTIALS).build();
        endpoints.serve("typing", new TypingRoute(server));
        endpoints.serve("join", new TicketGate(tickets));
        endpoints.serve("events", new TranscriptConsumer(transcripts));
        closeTicket = new CloseTicketHandler(new CloseTicket(tickets, server));
    }

    /** The desk with these runtime flags besides the route and the hook. */
    static Desk start() throws IOException {
        AppEndpoints endpoints = new AppEndpoints();
        try {
            return start(endpoints);
        } catch (RuntimeException e) {
            endpoints.close();
            throw e;
        }
    }

    private static Desk start(AppEndpoints endpoints, String... moreFlags) {
        String[] flags = new String[moreFlags.length + 4];
        flags[0] = "--route";
        flags[1] = "typing=" + endpoints.url("typing");
        flags[2] = "--hook";
        flags[3] = "onJoin=" + endpoints.url("join");
        System.arraycopy(moreFlags, 0, flags, 4, moreFlags.length);
        return new Desk(endpoints, LocalSwitchboard.start(flags));
    }

    /**
     * The desk with the runtime's event stream POSTed to the transcript consumer, as the bus's rule feeds it, and
     * these runtime flags besides.
     */
    static Desk startWithEvents(String... moreFlags) throws IOException {
        AppEndpoints endpoints = new AppEndpoints();
        String[] flags = new String[moreFlags.length + 2];
        flags[0] = "--events";
        flags[1] = endpoints.url("events").toString();
        System.arraycopy(moreFlags, 0, flags, 2, moreFlags.length);
        try {
            return start(endpoints, flags);
        } catch (RuntimeException e) {
            endpoints.close();
            throw e;
        }
    }

    /** A new open ticket between the two, with an id no other test uses. */
    Ticket openTicket(String customer, String agent) {
        Ticket ticket = new Ticket("t" + TICKETS.incrementAndGet(), customer, agent, true);
        tickets.open(ticket);
        return ticket;
    }

    DeskSocket connect(String user) {
        return DeskSocket.connect(switchboard.webSocketUrl(), switchboard.token(user));
    }

    /** The close-ticket operation as the backend invokes it: JSON in, JSON out. */
    String closeTicket(String request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            closeTicket.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
        dynamoDb.close();
        switchboard.close();
        endpoints.close();
    }
}
