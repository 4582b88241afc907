package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.IdempotencyStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the adapter turns the core's typed keys into the table's keys: as stored so far, and never two in one. */
class SwitchboardTableTest {

    @Test
    void idempotencyKeysKeepTheStoredLayout() {
        assertThat(SwitchboardTable.sendKey(new IdempotencyStore.SendKey("lobby", "alice", "c-1")))
                .isEqualTo("MSGID#lobby#alice#c-1");
        assertThat(SwitchboardTable.sendKey(new IdempotencyStore.DirectKey("bob", "alice", "c-1")))
                .isEqualTo("MSGID#@bob#alice#c-1");
    }

    @Test
    void partsThatLookLikeSeparatorsOrMarkersCannotMakeTwoKeysOne() {
        List<IdempotencyStore.Key> keys = List.of(
                new IdempotencyStore.SendKey("a#b", "c", "d"),
                new IdempotencyStore.SendKey("a", "b#c", "d"),
                new IdempotencyStore.SendKey("a", "b", "c#d"),
                new IdempotencyStore.SendKey("a%23b", "c", "d"),
                new IdempotencyStore.SendKey("@bob", "alice", "c-1"),
                new IdempotencyStore.SendKey("%40bob", "alice", "c-1"),
                new IdempotencyStore.DirectKey("bob", "alice", "c-1"),
                new IdempotencyStore.DirectKey("@bob", "alice", "c-1"));

        assertThat(keys.stream().map(SwitchboardTable::sendKey).distinct()).hasSameSizeAs(keys);
    }
}
