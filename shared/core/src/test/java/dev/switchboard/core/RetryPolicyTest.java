package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void delaysStayWithinTheExponentialCeilingAndTheCap() {
        RandomGenerator random = new SplittableRandom(42);
        long[] ceilingsMs = {100, 200, 400, 800, 1000, 1000};
        for (int retry = 1; retry <= 6; retry++) {
            long max = 0;
            for (int i = 0; i < 2_000; i++) {
                Duration delay = policy.delayBeforeRetry(retry, random);
                assertThat(delay).isBetween(Duration.ZERO, Duration.ofMillis(ceilingsMs[retry - 1]));
                max = Math.max(max, delay.toMillis());
            }
            // Full jitter spreads over the whole window, not just near its top or bottom.
            assertThat(max).isGreaterThan(ceilingsMs[retry - 1] * 8 / 10);
        }
    }

    @Test
    void hugeRetryNumbersDoNotOverflow() {
        assertThat(policy.delayBeforeRetry(1_000, new SplittableRandom(1))).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
