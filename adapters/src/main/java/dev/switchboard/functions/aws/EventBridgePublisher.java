package dev.switchboard.functions.aws;

import dev.switchboard.core.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts events on an EventBridge bus in as few {@code PutEvents} calls as its limits allow (at most
 * {@value #MAX_ENTRIES_PER_CALL} entries and {@value #MAX_REQUEST_BYTES} bytes a call), and puts again, with full
 * jitter, the entries EventBridge refused or a failed call left out. What still fails after the retries is returned,
 * never dropped: the events function reports it to its stream, which delivers it again.
 *
 * <pre>{@code
 * EventBridgePublisher publisher = new EventBridgePublisher(eventBridge, "orders-bus", "switchboard",
 *         RetryPolicy.defaults());
 * EventBridgePublisher.Outcome outcome = publisher.put(events);   // outcome.failed(): indexes not put
 * }</pre>
 */
public final class EventBridgePublisher {

    /** EventBridge's most entries in one {@code PutEvents} call. */
    public static final int MAX_ENTRIES_PER_CALL = 10;
    /** EventBridge's largest {@code PutEvents} request, counted as {@link SwitchboardEvent#entrySize} counts. */
    public static final int MAX_REQUEST_BYTES = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgePublisher.class);

    /**
     * What one {@link #put} did.
     *
     * @param put    events EventBridge accepted
     * @param calls  {@code PutEvents} calls made, the retries included
     * @param failed indexes (into the list given) of the events not put after every attempt, in order
     */
    public record Outcome(int put, int calls, SortedSet<Integer> failed) {
        public Outcome {
            failed = new TreeSet<>(failed);
        }
    }

    private final EventBridgeClient eventBridge;
    private final String bus;
    private final String source;
    private final RetryPolicy retry;
    private final RandomGenerator random;

    /**
     * @param bus    the bus's name or ARN
     * @param source the events' {@code source}
     * @param retry  attempts for an entry, the first included, and the backoff between them
     */
    public EventBridgePublisher(EventBridgeClient eventBridge, String bus, String source, RetryPolicy retry) {
        this.eventBridge = Objects.requireNonNull(eventBridge, "eventBridge");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.source = Objects.requireNonNull(source, "source");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.random = RandomGenerator.getDefault();
    }

    public String source() {
        return source;
    }

    /** Puts every event, retrying what fails; returns what could not be put. */
    public Outcome put(List<SwitchboardEvent> events) {
        SortedSet<Integer> failed = new TreeSet<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).entrySize(source) > MAX_REQUEST_BYTES) {
                // No call can carry it: said at once rather than retried.
                LOG.error("event {} ({}) is larger than one PutEvents request may be", i, events.get(i).detailType());
                failed.add(i);
            } else {
                pending.add(i);
            }
        }
        int put = 0;
        int calls = 0;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                sleep(retry.delayBeforeRetry(attempt - 1, random));
            }
            List<Integer> again = new ArrayList<>();
            for (List<Integer> call : calls(events, pending)) {
                calls++;
                List<Integer> refused = putOnce(events, call);
                put += call.size() - refused.size();
                again.addAll(refused);
            }
            pending = again;
            if (attempt >= retry.maxAttempts()) {
                failed.addAll(pending);
                break;
            }
        }
        return new Outcome(put, calls, failed);
    }

    /** The pending events, in order, cut into calls within both limits. */
    private List<List<Integer>> calls(List<SwitchboardEvent> events, List<Integer> pending) {
        List<List<Integer>> calls = new ArrayList<>();
        List<Integer> call = new ArrayList<>();
        int bytes = 0;
        for (int index : pending) {
            int size = events.get(index).entrySize(source);
            if (!call.isEmpty() && (call.size() == MAX_ENTRIES_PER_CALL || bytes + size > MAX_REQUEST_BYTES)) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(index);
            bytes += size;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    /** One call; returns the indexes it did not put (all of them when the call itself failed). */
    private List<Integer> putOnce(List<SwitchboardEvent> events, List<Integer> call) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(call.size());
        for (int index : call) {
            SwitchboardEvent event = events.get(index);
            entries.add(PutEventsRequestEntry.builder()
                    .eventBusName(bus)
                    .source(source)
                    .detailType(event.detailType())
                    .time(event.time())
                    .detail(event.detail())
                    .build());
        }
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(r -> r.entries(entries));
        } catch (SdkException e) {
            LOG.warn("PutEvents of {} event(s) failed: {}", call.size(), e.getMessage());
            return call;
        }
        List<PutEventsResultEntry> results = response.entries();
        if (response.failedEntryCount() == null || response.failedEntryCount() == 0) {
            return List.of();
        }
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < call.size(); i++) {
            // Results come in the order of the entries; an entry without a result counts as refused.
            PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
            if (result == null || result.errorCode() != null) {
                refused.add(call.get(i));
                if (result != null) {
                    LOG.warn("EventBridge refused a {} event: {} {}", events.get(call.get(i)).detailType(),
                            result.errorCode(), result.errorMessage());
                }
            }
        }
        return refused;
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to put events again", e);
        }
    }
}
