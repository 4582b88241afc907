package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    /** A clock that only moves when the bucket pauses: total pause time is the pacing imposed. */
    private final AtomicLong now = new AtomicLong();

    private TokenBucket bucket(double perSecond, int burst) {
        return new TokenBucket(perSecond, burst, now::get, now::addAndGet);
    }

    @Test
    void aBurstPassesAtOnceThenPostsArePacedToTheRate() throws InterruptedException {
        TokenBucket bucket = bucket(1_000, 100);
        for (int i = 0; i < 100; i++) {
            bucket.acquire();
        }
        assertThat(now.get()).as("the burst costs no waiting").isZero();
        for (int i = 0; i < 1_000; i++) {
            bucket.acquire();
        }
        assertThat(Duration.ofNanos(now.get())).isBetween(Duration.ofMillis(999), Duration.ofMillis(1_001));
    }

    @Test
    void idleTimeRefillsUpToTheBurstOnly() throws InterruptedException {
        TokenBucket bucket = bucket(100, 10);
        now.addAndGet(Duration.ofHours(1).toNanos());
        long before = now.get();
        for (int i = 0; i < 10; i++) {
            bucket.acquire();
        }
        assertThat(now.get()).isEqualTo(before);
        bucket.acquire();
        assertThat(now.get() - before).isEqualTo(Duration.ofMillis(10).toNanos());
    }

    @Test
    void aBroadcastTakesOneTokenPerPostRetriesIncluded() {
        AtomicLong taken = new AtomicLong();
        TokenBucket counting = new TokenBucket(1e9, 1_000_000, System::nanoTime, nanos -> { });
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        List<String> ids = IntStream.range(0, 50).mapToObj(i -> "c" + i).toList();
        Broadcaster broadcaster = new Broadcaster((id, payload) -> {
            taken.incrementAndGet();
            return id.equals("c0") && taken.get() < 3 ? SendOutcome.THROTTLED : SendOutcome.DELIVERED;
        }, store, 8, new RetryPolicy(3, Duration.ZERO, Duration.ZERO), counting);

        assertThat(broadcaster.broadcast(ids, new byte[1]).delivered()).isEqualTo(50);
        assertThat(taken.get()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> bucket(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bucket(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
