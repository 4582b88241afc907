package dev.switchboard.functions.faults;

import java.nio.charset.StandardCharsets;

/**
 * Random draws that depend only on a seed and a name for what is drawn (which call, which attempt), never on the
 * order in which threads ask: concurrent broadcasts draw the same faults in every run with the same seed.
 */
final class Draws {

    private final long seed;

    Draws(long seed) {
        this.seed = seed;
    }

    /** A number in [0, 1) fixed by the seed and {@code name}. */
    double uniform(String name) {
        return (mix(seed ^ mix(fnv(name))) >>> 11) * 0x1.0p-53;
    }

    /** True with probability {@code p}, fixed by the seed and {@code name}. */
    boolean chance(String name, double p) {
        return uniform(name) < p;
    }

    /** An int in [0, bound), fixed by the seed and {@code name}. */
    int below(String name, int bound) {
        return (int) (uniform(name) * bound);
    }

    private static long fnv(String name) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finalizer: spreads nearby inputs over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
