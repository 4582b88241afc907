package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClientPiecesTest {

    @Test
    void backoffIsFullJitterUnderAnExponentialCeilingAndTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        SplittableRandom random = new SplittableRandom(3);
        long[] ceilings = {100, 200, 400, 800, 1600, 2000, 2000};
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            long max = 0;
            for (int i = 0; i < 1000; i++) {
                long delay = backoff.delay(attempt, random).toMillis();
                assertThat(delay).isBetween(0L, ceilings[attempt]);
                max = Math.max(max, delay);
            }
            assertThat(max).isGreaterThan(ceilings[attempt] * 8 / 10);
        }
    }

    @Test
    void aRequestTheServerRefusedUntilALaterTimeIsNeverRetriedSooner() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        SplittableRandom random = new SplittableRandom(5);
        for (int attempt = 0; attempt < 6; attempt++) {
            long ceiling = Math.min(2_000, 100L << attempt);
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delayAfter(1_500L, attempt, random).toMillis()).isBetween(1_500L, 1_500L + ceiling);
                assertThat(backoff.delayAfter(null, attempt, random).toMillis()).isBetween(0L, ceiling);
            }
        }
    }

    @Test
    void aGapThatResumesDoNotFillIsAskedAboutLessAndLessOften() {
        Duration timeout = Duration.ofSeconds(1);
        assertThat(List.of(0, 1, 2, 3, 4, 5, 50).stream().map(n -> RoomTracker.gapDelay(timeout, n).toSeconds()))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 16L, 16L);
    }

    @Test
    void framesStayUnder32KbAndNeverSplitACharacter() {
        String text = "a€😀".repeat(20_000);
        List<FrameChunks.Chunk> chunks = FrameChunks.split(text, 32 * 1024);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            String part = chunks.get(i).text();
            assertThat(part.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(32 * 1024);
            assertThat(Character.isHighSurrogate(part.charAt(part.length() - 1))).isFalse();
            assertThat(chunks.get(i).last()).isEqualTo(i == chunks.size() - 1);
            joined.append(part);
        }
        assertThat(joined.toString()).isEqualTo(text);
        assertThat(chunks).hasSize(5);
        assertThat(FrameChunks.split("small", 32 * 1024)).hasSize(1);
    }

    private static String jwt(String payloadJson) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void theTokensExpiryIsReadFromItsPayloadAndAnythingElseHasNone() {
        assertThat(TokenLifetime.expiry(jwt("{\"sub\":\"a\",\"rooms\":{\"x\":[\"join\"]},\"exp\":1795514460}")))
                .contains(Instant.ofEpochSecond(1795514460));
        assertThat(TokenLifetime.expiry(jwt("{\"exp\":1795514460.75}"))).contains(Instant.ofEpochSecond(1795514460));
        assertThat(TokenLifetime.expiry(jwt("{\"sub\":\"no expiry\"}"))).isEmpty();
        assertThat(TokenLifetime.expiry(jwt("{\"exp\":\"tomorrow\"}"))).isEmpty();
        assertThat(TokenLifetime.expiry(jwt("[1,2]"))).isEmpty();
        assertThat(TokenLifetime.expiry(jwt("{\"exp\":"))).isEmpty();
        assertThat(TokenLifetime.expiry("opaque-token")).isEmpty();
        assertThat(TokenLifetime.expiry("a.%%%.c")).isEmpty();
        assertThat(TokenLifetime.expiry(null)).isEmpty();
    }

    @Test
    void aTokenIsRefreshedAt80PercentOfItsLifetimeAtLeastFiveSecondsBeforeExpiryButNotInATightLoop() {
        assertThat(TokenLifetime.refreshDelay(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(48));
        assertThat(TokenLifetime.refreshDelay(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(15));
        assertThat(TokenLifetime.refreshDelay(Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(4));
        assertThat(TokenLifetime.refreshDelay(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(TokenLifetime.refreshDelay(Duration.ofSeconds(-3))).isZero();
    }
}
