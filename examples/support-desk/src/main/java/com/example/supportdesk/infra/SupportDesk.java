package com.example.supportdesk.infra;

import com.example.supportdesk.CloseTicketHandler;
import com.example.supportdesk.DeskConfig;
import com.example.supportdesk.Ticket;
import com.example.supportdesk.TicketGate;
import com.example.supportdesk.TranscriptConsumer;
import com.example.supportdesk.TypingRoute;
import dev.switchboard.infra.SwitchboardStack;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The support desk's own resources, in the Switchboard stack's scope: its tables, its four functions, the bus
 * Switchboard's events go to and the rule that sends a ticket room's messages to the transcript consumer. Each
 * function gets exactly the grants its work needs: the gate reads tickets, the typing route reads presence and sends
 * to users, the close-ticket operation publishes, removes members and disconnects, the consumer writes transcripts.
 */
public final class SupportDesk extends Construct {

    /** The events' {@code source}: the rule matches it, and the Switchboard stack is told it. */
    public static final String EVENT_SOURCE = "support.desk";

    private final TableV2 tickets;
    private final TableV2 transcripts;
    private final Function closeTicket;

    public SupportDesk(SwitchboardStack switchboard, String id, DeskNames names, Code code) {
        super(switchboard, id);
        tickets = TableV2.Builder.create(this, "Tickets")
                .partitionKey(Attribute.builder().name("ticket").type(AttributeType.STRING).build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        transcripts = TableV2.Builder.create(this, "Transcripts")
                .partitionKey(Attribute.builder().name("ticket").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("seq").type(AttributeType.NUMBER).build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Map<String, String> tables = Map.of(DeskConfig.TICKETS_TABLE, tickets.getTableName(),
                DeskConfig.TRANSCRIPTS_TABLE, transcripts.getTableName());

        Function gate = function("TicketGate", names.ticketGateFunction(), TicketGate.class, code, tables);
        tickets.grantReadData(gate);

        Function typing = function("Typing", names.typingFunction(), TypingRoute.class, code, tables);
        switchboard.serverApiEnvironment().forEach(typing::addEnvironment);
        switchboard.grantPresence(typing);
        switchboard.grantSendToUser(typing);

        closeTicket = function("CloseTicket", null, CloseTicketHandler.class, code, tables);
        switchboard.serverApiEnvironment().forEach(closeTicket::addEnvironment);
        tickets.grant(closeTicket, "dynamodb:GetItem", "dynamodb:UpdateItem");   // reads and closes a ticket, no more
        switchboard.grantPublish(closeTicket);
        switchboard.grantMembership(closeTicket);
        switchboard.grantDisconnect(closeTicket);

        Function consumer = function("TranscriptConsumer", null, TranscriptConsumer.class, code, tables);
        transcripts.grantWriteData(consumer);
        transcriptRule(names, consumer);

        CfnOutput.Builder.create(this, "CloseTicketFunctionName").value(closeTicket.getFunctionName())
                .description("The close-ticket operation: invoke with {\"ticket\":\"<id>\",\"agent\":\"<user>\"}")
                .build();
        CfnOutput.Builder.create(this, "TicketsTableName").value(tickets.getTableName()).build();
        CfnOutput.Builder.create(this, "TranscriptsTableName").value(transcripts.getTableName()).build();
    }

    /** The tickets table: the desk's backend files tickets here. */
    public TableV2 tickets() {
        return tickets;
    }

    public TableV2 transcripts() {
        return transcripts;
    }

    /** The close-ticket operation: grant {@code lambda:InvokeFunction} on it to the desk's backend, and no one else. */
    public Function closeTicket() {
        return closeTicket;
    }

    private Function function(String id, String name, Class<?> handler, Code code, Map<String, String> environment) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        return Function.Builder.create(this, id)
                .functionName(name)
                .runtime(SwitchboardStack.JAVA_RUNTIME)
                .handler(handler.getName() + "::handleRequest")
                .code(code)
                .memorySize(1024)
                .timeout(Duration.seconds(10))
                .environment(environment)
                .logGroup(logs)
                .build();
    }

    /**
     * The bus Switchboard puts its events on, and the rule sending a ticket room's messages to the consumer. What
     * the consumer cannot take (EventBridge could not invoke it, or it failed twice more) goes to a queue whose depth
     * has an alarm.
     */
    private void transcriptRule(DeskNames names, Function consumer) {
        EventBus bus = EventBus.Builder.create(this, "Events").eventBusName(names.bus()).build();
        Queue failures = Queue.Builder.create(this, "TranscriptFailures")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Rule.Builder.create(this, "TicketMessages")
                .eventBus(bus)
                .eventPattern(EventPattern.builder()
                        .source(List.of(EVENT_SOURCE))
                        .detailType(List.of(TranscriptConsumer.MESSAGE_PUBLISHED))
                        .detail(Map.of("room", Match.prefix(Ticket.ROOM_PREFIX)))
                        .build())
                .targets(List.of(new LambdaFunction(consumer, LambdaFunctionProps.builder()
                        .deadLetterQueue(failures)
                        .retryAttempts(10)
                        .maxEventAge(Duration.hours(24))
                        .build())))
                .build();
        // Invoked asynchronously: Lambda retries a failed invocation twice, then sends the event here too.
        consumer.configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(failures))
                .retryAttempts(2)
                .build());
        Alarm.Builder.create(this, "TranscriptFailuresAlarm")
                .alarmDescription("Events the transcript consumer could not store: see the TranscriptFailures queue")
                .metric(failures.metricApproximateNumberOfMessagesVisible())
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }
}
