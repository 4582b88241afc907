package dev.switchboard.core.testkit;

import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.ConnectionCloser;
import dev.switchboard.core.ConnectionProbe;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.Hooks;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Sender;
import dev.switchboard.core.Switchboard;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link Switchboard} for tests, wired in one place: in-memory stores, a {@link RecordingSender} behind the
 * broadcaster, a {@link MovableClock}, and whatever a test changes on the builder. Every part stays reachable, so a
 * test acts on the switchboard and checks the store, the history or the inboxes.
 *
 * <pre>{@code
 * TestSwitchboard t = TestSwitchboard.builder().policy(RoomPolicy.open()).build();
 * t.switchboard().connect("a", "alice", "");
 * t.sender().inbox("a");
 * t.clock().advance(Duration.ofMinutes(5));
 * }</pre>
 *
 * @param switchboard the switchboard built
 * @param store       its connection store
 * @param history     its room history
 * @param sender      the recording sender behind its broadcaster (also there when the test gave its own sender
 *                    or broadcaster, then recording nothing)
 * @param clock       its clock, unless the test gave another ({@link Builder#clock(Clock)})
 */
public record TestSwitchboard(Switchboard switchboard, ConnectionStore store, RoomHistory history,
                              RecordingSender sender, MovableClock clock) {

    /** Posts one broadcast keeps in flight unless told otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;

    public static Builder builder() {
        return new Builder();
    }

    /** Each part defaults to the in-memory or recording one; the switchboard's own defaults apply otherwise. */
    public static final class Builder {
        private ConnectionStore store;
        private RoomHistory history;
        private IdempotencyStore idempotency;
        private MovableClock movableClock = MovableClock.create();
        private Clock clock;
        private RecordingSender recording = RecordingSender.delivering();
        private Sender sender;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Function<ConnectionStore, Broadcaster> broadcaster;
        private RoomPolicy policy;
        private CoreSettings settings;
        private Supplier<String> messageIds;
        private ConnectionCloser closer;
        private ConnectionProbe probe;
        private FanoutQueue fanout;
        private int fanoutThreshold;
        private Hooks hooks;

        private Builder() {
        }

        /** The connection store; a fresh {@link InMemoryConnectionStore} by default. */
        public Builder store(ConnectionStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** The room history; a fresh {@link InMemoryRoomHistory} by default. */
        public Builder history(RoomHistory value) {
            this.history = Objects.requireNonNull(value, "history");
            return this;
        }

        /** The idempotency store; a fresh {@link InMemoryIdempotencyStore} by default. */
        public Builder idempotency(IdempotencyStore value) {
            this.idempotency = Objects.requireNonNull(value, "idempotency");
            return this;
        }

        /** The movable clock the switchboard reads; {@link MovableClock#create()} by default. */
        public Builder clock(MovableClock value) {
            this.movableClock = Objects.requireNonNull(value, "clock");
            this.clock = null;
            return this;
        }

        /** Another clock, e.g. the system's; {@link TestSwitchboard#clock()} is then a clock nobody reads. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The recording sender to post through, e.g. one that {@link RecordingSender#answering answers} as told. */
        public Builder sender(RecordingSender value) {
            this.recording = Objects.requireNonNull(value, "sender");
            this.sender = null;
            return this;
        }

        /** A sender of the test's own, instead of recording. */
        public Builder sender(Sender value) {
            this.sender = Objects.requireNonNull(value, "sender");
            return this;
        }

        /** Posts one broadcast keeps in flight; {@value TestSwitchboard#DEFAULT_MAX_IN_FLIGHT} by default. */
        public Builder maxInFlight(int value) {
            this.maxInFlight = value;
            return this;
        }

        /** How failed posts are retried; {@link RetryPolicy#defaults()} by default. */
        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        /** A broadcaster of the test's own, built over the store; sender, in-flight and retry settings go unused. */
        public Builder broadcaster(Function<ConnectionStore, Broadcaster> value) {
            this.broadcaster = Objects.requireNonNull(value, "broadcaster");
            return this;
        }

        public Builder policy(RoomPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        public Builder settings(CoreSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** Message ids; the switchboard's random ones by default. */
        public Builder messageIds(Supplier<String> value) {
            this.messageIds = Objects.requireNonNull(value, "messageIds");
            return this;
        }

        /** Message ids {@code prefix1}, {@code prefix2}, … in the order messages are made. */
        public Builder numberedMessageIds(String prefix) {
            AtomicInteger next = new AtomicInteger();
            return messageIds(() -> prefix + next.incrementAndGet());
        }

        public Builder closer(ConnectionCloser value) {
            this.closer = Objects.requireNonNull(value, "closer");
            return this;
        }

        public Builder probe(ConnectionProbe value) {
            this.probe = Objects.requireNonNull(value, "probe");
            return this;
        }

        public Builder fanout(FanoutQueue queue, int threshold) {
            this.fanout = Objects.requireNonNull(queue, "queue");
            this.fanoutThreshold = threshold;
            return this;
        }

        /** The application's hooks; none by default, as in the switchboard. */
        public Builder hooks(Hooks value) {
            this.hooks = Objects.requireNonNull(value, "hooks");
            return this;
        }

        public TestSwitchboard build() {
            ConnectionStore builtStore = store != null ? store : new InMemoryConnectionStore();
            RoomHistory builtHistory = history != null ? history : new InMemoryRoomHistory();
            Broadcaster builtBroadcaster = broadcaster != null ? broadcaster.apply(builtStore)
                    : new Broadcaster(sender != null ? sender : recording, builtStore, maxInFlight, retryPolicy);
            Switchboard.Builder builder = Switchboard.builder()
                    .store(builtStore)
                    .history(builtHistory)
                    .idempotency(idempotency != null ? idempotency : new InMemoryIdempotencyStore())
                    .broadcaster(builtBroadcaster)
                    .clock(clock != null ? clock : movableClock);
            if (policy != null) {
                builder.policy(policy);
            }
            if (settings != null) {
                builder.settings(settings);
            }
            if (messageIds != null) {
                builder.messageIds(messageIds);
            }
            if (closer != null) {
                builder.closer(closer);
            }
            if (probe != null) {
                builder.probe(probe);
            }
            if (fanout != null) {
                builder.fanout(fanout, fanoutThreshold);
            }
            if (hooks != null) {
                builder.hooks(hooks);
            }
            return new TestSwitchboard(builder.build(), builtStore, builtHistory, recording, movableClock);
        }
    }
}
