package com.example.supportdesk;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The support desk's own settings, read once from the environment its functions are given (the CDK app sets them;
 * the Switchboard settings the server API needs are the stack's own, read by {@code ServerApi.fromEnvironment()}).
 *
 * @param ticketsTable     the table of tickets (who is the customer, who the agent, open or closed)
 * @param transcriptsTable the table of transcripts (one row per room message of a ticket)
 * @param region           the AWS region of both tables
 * @param dynamoDbEndpoint another DynamoDB endpoint than AWS's, e.g. DynamoDB Local when run on a laptop
 */
public record DeskConfig(String ticketsTable, String transcriptsTable, String region,
                         Optional<URI> dynamoDbEndpoint) {

    public static final String TICKETS_TABLE = "SUPPORT_DESK_TICKETS_TABLE";
    public static final String TRANSCRIPTS_TABLE = "SUPPORT_DESK_TRANSCRIPTS_TABLE";
    public static final String DYNAMODB_ENDPOINT = "SUPPORT_DESK_DYNAMODB_ENDPOINT";
    /** Set by Lambda in every function. */
    public static final String REGION = "AWS_REGION";

    public DeskConfig {
        requireText(ticketsTable, TICKETS_TABLE);
        requireText(transcriptsTable, TRANSCRIPTS_TABLE);
        requireText(region, REGION);
        Objects.requireNonNull(dynamoDbEndpoint, "dynamoDbEndpoint");
    }

    /** The settings from an environment; throws {@link IllegalArgumentException} naming what is missing. */
    public static DeskConfig from(Map<String, String> environment) {
        return new DeskConfig(environment.get(TICKETS_TABLE), environment.get(TRANSCRIPTS_TABLE),
                environment.get(REGION),
                Optional.ofNullable(environment.get(DYNAMODB_ENDPOINT)).filter(s -> !s.isBlank()).map(URI::create));
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
    }
}
