package dev.switchboard.core;

import java.time.Duration;
import java.time.Instant;

/**
 * What one client may cost the stack: the limits that keep one connection or user from starving everyone else.
 * Enforced the same way by the functions in AWS and by the local stack. The defaults are the one table of them;
 * every value is configurable per stack (environment, CDK prop) and per local flag.
 *
 * <pre>{@code
 * Quotas quotas = Quotas.defaults().withFrames(50, 100);
 * quotas.frameWindowOf(now);   // the fixed window a frame at `now` counts in
 * }</pre>
 *
 * @param frameRate                  frames per second a connection may send on average
 * @param frameBurst                 frames a connection may send at once after a quiet spell; frames are counted in
 *                                   fixed windows of {@code frameBurst / frameRate} seconds, at most {@code frameBurst}
 *                                   each (so a burst straddling two windows can reach twice that)
 * @param connectionsPerUser         open connections one user may hold; the next {@code $connect} is refused
 * @param presencePostsPerDisconnect most presence posts one {@code $disconnect} may cause over all its rooms; the
 *                                   rooms past it are not told (counted, not silent)
 */
public record Quotas(int frameRate, int frameBurst, int connectionsPerUser, int presencePostsPerDisconnect) {

    public static final int DEFAULT_FRAME_RATE = 20;
    public static final int DEFAULT_FRAME_BURST = 40;
    public static final int DEFAULT_CONNECTIONS_PER_USER = 10;
    public static final int DEFAULT_PRESENCE_POSTS_PER_DISCONNECT = 500;
    /** A client refused this many times over its burst within one window keeps flooding: it is disconnected. */
    public static final int FLOOD_FACTOR = 2;

    public Quotas {
        if (frameRate < 1 || frameBurst < frameRate) {
            throw new IllegalArgumentException("frames: rate must be at least 1 and burst at least the rate");
        }
        if (frameBurst / frameRate > 3_600) {
            throw new IllegalArgumentException("frames: burst / rate must be at most an hour");
        }
        if (connectionsPerUser < 1) {
            throw new IllegalArgumentException("connectionsPerUser must be at least 1");
        }
        if (presencePostsPerDisconnect < 0) {
            throw new IllegalArgumentException("presencePostsPerDisconnect must be >= 0");
        }
    }

    public static Quotas defaults() {
        return new Quotas(DEFAULT_FRAME_RATE, DEFAULT_FRAME_BURST, DEFAULT_CONNECTIONS_PER_USER,
                DEFAULT_PRESENCE_POSTS_PER_DISCONNECT);
    }

    public Quotas withFrames(int rate, int burst) {
        return new Quotas(rate, burst, connectionsPerUser, presencePostsPerDisconnect);
    }

    public Quotas withConnectionsPerUser(int value) {
        return new Quotas(frameRate, frameBurst, value, presencePostsPerDisconnect);
    }

    public Quotas withPresencePostsPerDisconnect(int value) {
        return new Quotas(frameRate, frameBurst, connectionsPerUser, value);
    }

    /** How long one frame-counting window lasts. */
    public Duration frameWindow() {
        return Duration.ofMillis(1_000L * frameBurst / frameRate);
    }

    /** The number of the window a frame arriving at {@code now} counts in. */
    public long frameWindowOf(Instant now) {
        return now.toEpochMilli() / frameWindow().toMillis();
    }

    /** How long from {@code now} until the window {@code now} is in ends. */
    public Duration untilNextWindow(Instant now) {
        long windowMillis = frameWindow().toMillis();
        return Duration.ofMillis(windowMillis - now.toEpochMilli() % windowMillis);
    }
}
