package dev.switchboard.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A queue a function drains, with the dead-letter queue its messages move to after three failed receives: SQS-managed
 * encryption (senders need no KMS grant), TLS only, a visibility timeout of six times the consumer's timeout, and
 * dead letters kept for 14 days. The queue's own policy says who may send ({@link #admitOnlyPublishers},
 * {@link #admitOnly}).
 *
 * <p>Not a construct of its own: both queues are made in the scope given, under the ids the stack has always used
 * ({@code <name>Queue}, {@code <name>DeadLetterQueue}). A construct in between would change their logical ids, and
 * CloudFormation would replace the deployed queues, with the messages in them.
 *
 * <pre>{@code
 * WorkQueue publish = new WorkQueue(stack, new WorkQueue.Props("Publish", "publish queue", Duration.seconds(29)));
 * publish.admitOnlyPublishers(List.of(), stack.getAccount());
 * }</pre>
 */
final class WorkQueue {

    /** How often a message is received and not deleted before it is set aside in the dead-letter queue. */
    private static final int MAX_RECEIVE_COUNT = 3;
    /** Six times the consumer's timeout, as Lambda's SQS guidance asks, so retries do not overlap. */
    private static final int VISIBILITY_TIMEOUTS_PER_CONSUMER_TIMEOUT = 6;

    /**
     * @param name            prefix of the queues' construct ids, e.g. {@code Publish}
     * @param purpose         what the queue is, as the dead-letter queue's cdk-nag suppression names it
     * @param consumerTimeout the timeout of the function that drains the queue
     */
    record Props(String name, String purpose, Duration consumerTimeout) {
        Props {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(consumerTimeout, "consumerTimeout");
        }
    }

    private final Queue queue;
    private final Queue deadLetterQueue;

    WorkQueue(Construct scope, Props props) {
        deadLetterQueue = Queue.Builder.create(scope, props.name() + "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetterQueue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is the dead-letter queue of the " + props.purpose()
                        + "; it has no dead-letter queue itself.")
                .build()));
        queue = Queue.Builder.create(scope, props.name() + "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(VISIBILITY_TIMEOUTS_PER_CONSUMER_TIMEOUT
                        * props.consumerTimeout().toSeconds().intValue()))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(deadLetterQueue)
                        .maxReceiveCount(MAX_RECEIVE_COUNT)
                        .build())
                .build();
    }

    Queue queue() {
        return queue;
    }

    Queue deadLetterQueue() {
        return deadLetterQueue;
    }

    /** The two queues as {@link Monitoring} watches them. */
    Monitoring.WorkQueue monitored() {
        return new Monitoring.WorkQueue(queue, deadLetterQueue);
    }

    /**
     * Only the principals named may send (by default, principals of {@code ownAccount}), whatever their IAM
     * policies allow; named roles, users and other accounts are also allowed by the queue, so they need no more than
     * their own account's consent. Receiving stays with the consumer's event source.
     *
     * @param named      IAM role or user ARNs and 12-digit account ids, as {@link SwitchboardProps#publishers()}
     * @param ownAccount the stack's account, the only one admitted when none is named
     */
    void admitOnlyPublishers(List<String> named, String ownAccount) {
        List<String> roles = named.stream().filter(p -> p.startsWith("arn:")).toList();
        List<String> accounts = named.isEmpty()
                ? List.of(ownAccount) : named.stream().filter(p -> !p.startsWith("arn:")).toList();
        Map<String, Object> notNamed = new LinkedHashMap<>();
        if (!roles.isEmpty()) {
            notNamed.put("ArnNotEquals", Map.of("aws:PrincipalArn", roles));
        }
        if (!accounts.isEmpty()) {
            notNamed.put("StringNotEquals", Map.of("aws:PrincipalAccount", accounts));
        }
        queue.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("OnlyNamedPublishersSend")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("sqs:SendMessage"))
                .resources(List.of(queue.getQueueArn()))
                .conditions(notNamed)
                .build());
        if (!named.isEmpty()) {
            List<IPrincipal> principals = new ArrayList<>();
            roles.forEach(arn -> principals.add(new ArnPrincipal(arn)));
            accounts.forEach(account -> principals.add(new AccountPrincipal(account)));
            queue.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("NamedPublishersSend")
                    .effect(Effect.ALLOW)
                    .principals(principals)
                    .actions(List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"))
                    .resources(List.of(queue.getQueueArn()))
                    .build());
        }
    }

    /**
     * Only these roles may send, whatever any IAM policy allows: for a queue whose messages only the stack's own
     * functions write, so that nobody else can make its consumer act.
     */
    void admitOnly(List<String> senderRoleArns) {
        queue.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("OnlyTheStackSends")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("sqs:SendMessage"))
                .resources(List.of(queue.getQueueArn()))
                .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", senderRoleArns)))
                .build());
    }
}
