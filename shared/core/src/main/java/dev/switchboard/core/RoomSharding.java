package dev.switchboard.core;

/**
 * How a room's membership and its broadcasts are spread, in the numbers every deployment shares: the CDK app checks
 * its props against them and hands them to the functions, which read them as their defaults and bounds.
 *
 * <pre>{@code
 * int shards = Math.clamp(requested, 1, RoomSharding.MAX_SHARDS);
 * }</pre>
 */
public final class RoomSharding {

    /** Partitions one room's membership may be spread over: a broadcast queries every one of them. */
    public static final int MAX_SHARDS = 64;
    /** One partition: a room's members are read with one query. */
    public static final int DEFAULT_SHARDS = 1;
    /** Room size from which a broadcast goes out in parts through the fan-out queue, not from one invocation. */
    public static final int DEFAULT_FANOUT_THRESHOLD = 2_000;

    private RoomSharding() {
    }
}
