package dev.switchboard.functions.aws;

import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How a {@link FanoutQueue.Job} travels as an SQS message, for the queue that sends it, the worker that reads it and
 * the local stack that stands in for both. The body is the frame to post, as is; message attributes say whom to post
 * it to: {@code room} and {@code shard} for a shard of a room, or {@code connections} (ids separated by spaces) and
 * {@code attempt} for named connections. A job's delay becomes the message's delay.
 *
 * <pre>{@code
 * List<FanoutMessages.Attribute> attributes = FanoutMessages.attributes(job);
 * FanoutQueue.Job same = FanoutMessages.job(body, name -> valueOf(name));
 * }</pre>
 */
public final class FanoutMessages {

    public static final String ROOM = "room";
    public static final String SHARD = "shard";
    public static final String CONNECTIONS = "connections";
    public static final String ATTEMPT = "attempt";

    /** The longest delay SQS allows a message. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);

    /** SQS message attribute types used here. */
    public static final String STRING = "String";
    public static final String NUMBER = "Number";

    /** One message attribute: {@code dataType} is {@link #STRING} or {@link #NUMBER}. */
    public record Attribute(String name, String dataType, String value) {
    }

    private FanoutMessages() {
    }

    public static String body(FanoutQueue.Job job) {
        return new String(job.payload(), StandardCharsets.UTF_8);
    }

    public static List<Attribute> attributes(FanoutQueue.Job job) {
        return switch (job) {
            case FanoutQueue.Job.Shard shard -> List.of(new Attribute(ROOM, STRING, shard.room()),
                    new Attribute(SHARD, NUMBER, Integer.toString(shard.shard())));
            case FanoutQueue.Job.Connections named -> List.of(
                    new Attribute(CONNECTIONS, STRING, String.join(" ", named.connectionIds())),
                    new Attribute(ATTEMPT, NUMBER, Integer.toString(named.attempt())));
        };
    }

    /** Whole seconds the queue holds the message before any worker sees it (SQS allows up to 15 minutes). */
    public static int delaySeconds(FanoutQueue.Job job) {
        if (job instanceof FanoutQueue.Job.Connections named) {
            return (int) Math.min(MAX_DELAY.toSeconds(), named.delay().toSeconds());
        }
        return 0;
    }

    /** Bytes the message takes against SQS's size limit: its body and its attributes. */
    public static int size(FanoutQueue.Job job) {
        int size = job.payload().length;
        for (Attribute attribute : attributes(job)) {
            size += attribute.name().length() + attribute.dataType().length() + attribute.value().length();
        }
        return size;
    }

    /**
     * Reads a job back from a message's body and attributes ({@code attribute} answers null for one it lacks).
     *
     * @throws IllegalArgumentException when the message is not a job this module wrote
     */
    public static FanoutQueue.Job job(String body, Function<String, String> attribute) {
        if (body == null || body.isEmpty()) {
            throw new IllegalArgumentException("no body");
        }
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        String connections = attribute.apply(CONNECTIONS);
        if (connections != null) {
            List<String> ids = Arrays.asList(connections.split(" ", -1));
            if (ids.size() > Broadcaster.JOB_SIZE) {
                throw new IllegalArgumentException("more than " + Broadcaster.JOB_SIZE + " connections");
            }
            // The store builds keys from them: anything but a connection id as the gateway issues them is refused.
            if (!ids.stream().allMatch(Limits::isValidConnectionId)) {
                throw new IllegalArgumentException("'" + CONNECTIONS + "' holds something other than connection ids");
            }
            return new FanoutQueue.Job.Connections(ids, payload, number(attribute, ATTEMPT), Duration.ZERO);
        }
        String room = attribute.apply(ROOM);
        if (room == null || room.isBlank()) {
            throw new IllegalArgumentException("no '" + ROOM + "' or '" + CONNECTIONS + "' attribute");
        }
        if (!Limits.isValidRoom(room)) {
            // Keys are built from it: a room no client could name (say one with a shard suffix) is refused.
            throw new IllegalArgumentException("not a room name");
        }
        return new FanoutQueue.Job.Shard(room, number(attribute, SHARD), payload);
    }

    private static int number(Function<String, String> attribute, String name) {
        String value = attribute.apply(name);
        if (value == null) {
            throw new IllegalArgumentException("no '" + name + "' attribute");
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number < 0) {
                throw new IllegalArgumentException("'" + name + "' is negative");
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' is not a number: " + value, e);
        }
    }
}
