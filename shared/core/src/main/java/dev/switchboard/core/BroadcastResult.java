package dev.switchboard.core;

import java.util.List;

/**
 * What a broadcast came to.
 *
 * @param delivered connections that accepted the payload
 * @param gone      connections found closed (410) and pruned from the store
 * @param tooLarge  connections that refused the payload as too large (413)
 * @param throttled connections still throttled (429) after every retry, and not deferred
 * @param failed    connections that failed for any other reason after retries where retrying made sense, and not
 *                  deferred
 * @param deferred  connections handed to the fan-out queue for a later attempt (not reached in time, or still
 *                  failing after this attempt's retries)
 * @param goneIds   the pruned connection ids
 */
public record BroadcastResult(int delivered, int gone, int tooLarge, int throttled, int failed, int deferred,
                              List<String> goneIds) {
    public BroadcastResult {
        goneIds = List.copyOf(goneIds);
    }

    public int attempted() {
        return delivered + gone + tooLarge + throttled + failed + deferred;
    }

    /** Recipients who will never get the payload: refused for good or failed with no later attempt. */
    public int undelivered() {
        return tooLarge + throttled + failed;
    }

    public static BroadcastResult empty() {
        return new BroadcastResult(0, 0, 0, 0, 0, 0, List.of());
    }
}
