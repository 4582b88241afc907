package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The partial-batch-failure loop of the SQS consumers: each record handled on its own, failures reported by id. */
final class SqsBatches {

    private SqsBatches() {
    }

    /**
     * Hands every record of the batch to {@code handler}; the records it returns false for are reported as batch
     * item failures (redelivered, then dead-lettered), the rest are done.
     */
    static SQSBatchResponse each(SQSEvent event, Predicate<SQSEvent.SQSMessage> handler) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage record : records) {
            if (!handler.test(record)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
