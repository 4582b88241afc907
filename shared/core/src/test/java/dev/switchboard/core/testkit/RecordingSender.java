package dev.switchboard.core.testkit;

import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Sender;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A {@link Sender} that keeps every frame posted, decoded, in one inbox per connection, and answers each post as
 * told ({@link SendOutcome#DELIVERED} unless told otherwise). A frame is recorded whatever the answer: it is what
 * was posted.
 *
 * <pre>{@code
 * RecordingSender sender = RecordingSender.delivering();
 * sender.inbox("conn-1");   // the frames posted to conn-1, in order
 * }</pre>
 */
public final class RecordingSender implements Sender {

    private final Map<String, List<ServerFrame>> inboxes = new ConcurrentHashMap<>();
    private final BiFunction<String, byte[], SendOutcome> answers;

    private RecordingSender(BiFunction<String, byte[], SendOutcome> answers) {
        this.answers = answers;
    }

    /** Every post delivered. */
    public static RecordingSender delivering() {
        return new RecordingSender((connectionId, payload) -> SendOutcome.DELIVERED);
    }

    /** Each post answered by {@code answers}, given the connection id and the payload. */
    public static RecordingSender answering(BiFunction<String, byte[], SendOutcome> answers) {
        return new RecordingSender(answers);
    }

    @Override
    public SendOutcome send(String connectionId, byte[] payload) {
        ServerFrame frame = FrameCodec.decodeServer(new String(payload, StandardCharsets.UTF_8)).orElseThrow(
                () -> new AssertionError("posted a frame of a type the protocol does not know"));
        inboxes.computeIfAbsent(connectionId, k -> new CopyOnWriteArrayList<>()).add(frame);
        return answers.apply(connectionId, payload);
    }

    /** The frames posted to a connection, in the order they were posted; empty when none. */
    public List<ServerFrame> inbox(String connectionId) {
        return inboxes.getOrDefault(connectionId, List.of());
    }

    /** The frames of one type posted to a connection, in order. */
    public <T extends ServerFrame> List<T> inbox(String connectionId, Class<T> type) {
        return inbox(connectionId).stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Every inbox, by connection id: the live map the sender records into, so a test may also clear it or check
     * that nothing was posted at all.
     */
    public Map<String, List<ServerFrame>> inboxes() {
        return inboxes;
    }

    /** Forgets every frame recorded so far. */
    public void clear() {
        inboxes.clear();
    }
}
