package dev.switchboard.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a load run.
 *
 * <pre>{@code
 * ./switchboard loadtest --url wss://…/prod --token $JWT --connections 2000 --rooms 20 --rate 200 --duration 60
 * }</pre>
 *
 * @param url           target WebSocket URL; empty means "start the local stack in-process"
 * @param rampPerSecond new connections per second (AWS's default account limit is 500)
 * @param warmup        time spent sending at {@code rate} before measuring; zero measures from the first message
 * @param memoryStore   with no {@code url}: start the local stack with its in-memory store instead of DynamoDB Local
 * @param inFlight      0: sends paced at {@code rate} whatever the answers; otherwise a closed loop, this many sends
 *                      outstanding at any time (from random connections), the next sent as soon as one is answered:
 *                      what the stack sustains when it is never offered more than it serves
 */
public record LoadOptions(Optional<URI> url, Optional<String> token, int connections, int rooms, int rate,
                          Duration duration, int rampPerSecond, Path reportDirectory, Duration warmup,
                          boolean memoryStore, int inFlight) {

    public static final String USAGE = """
            usage: ./switchboard loadtest [--url WS_URL] [--token JWT] [--connections N] [--rooms R]
                                          [--rate MESSAGES_PER_SECOND] [--duration SECONDS] [--ramp PER_SECOND]
                                          [--warmup SECONDS] [--report DIR] [--store dynamodb|memory]
                                          [--in-flight K]
              without --url the local stack is started in-process (with --store memory: no DynamoDB Local)
              --warmup sends at the same rate for that long first and leaves those messages out of every figure
              --in-flight K: a closed loop instead of --rate: K sends outstanding at any time, the next sent as soon
                             as one is answered; the rate the stack sustains when it is not overloaded
            """;

    /** The same run, as a closed loop with this many sends outstanding (0: paced at {@code rate}). */
    public LoadOptions withInFlight(int value) {
        return new LoadOptions(url, token, connections, rooms, rate, duration, rampPerSecond, reportDirectory, warmup,
                memoryStore, value);
    }

    /** The same run at another rate. */
    public LoadOptions withRate(int value) {
        return new LoadOptions(url, token, connections, rooms, value, duration, rampPerSecond, reportDirectory, warmup,
                memoryStore, inFlight);
    }

    /** The same run, measured for another time. */
    public LoadOptions withDuration(Duration value) {
        return new LoadOptions(url, token, connections, rooms, rate, value, rampPerSecond, reportDirectory, warmup,
                memoryStore, inFlight);
    }

    /** The same run against a running stack. */
    public LoadOptions withUrl(URI value) {
        return new LoadOptions(Optional.of(value), token, connections, rooms, rate, duration, rampPerSecond,
                reportDirectory, warmup, memoryStore, inFlight);
    }

    public LoadOptions {
        if (connections < 1 || rooms < 1 || rooms > connections || rate < 1 || rampPerSecond < 1
                || duration.isNegative() || duration.isZero() || warmup.isNegative() || inFlight < 0) {
            throw new IllegalArgumentException(
                    "need connections >= rooms >= 1, rate >= 1, ramp >= 1, duration > 0, warmup >= 0, in-flight >= 0");
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Optional.empty(), Optional.empty(), 200, 10, 50, Duration.ofSeconds(10), 500,
                Path.of("loadtest/target/report"), Duration.ZERO, false, 0);
    }

    /** Reads the flags in any order; the combination is checked once all are read. */
    public static LoadOptions parse(String... args) {
        LoadOptions d = defaults();
        Optional<URI> url = d.url;
        Optional<String> token = d.token;
        int connections = d.connections;
        int rooms = d.rooms;
        int rate = d.rate;
        Duration duration = d.duration;
        int ramp = d.rampPerSecond;
        Path report = d.reportDirectory;
        Duration warmup = d.warmup;
        boolean memoryStore = d.memoryStore;
        int inFlight = d.inFlight;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[++i] : null;
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            switch (flag) {
                case "--url" -> url = Optional.of(URI.create(value));
                case "--token" -> token = Optional.of(value);
                case "--connections" -> connections = Integer.parseInt(value);
                case "--rooms" -> rooms = Integer.parseInt(value);
                case "--rate" -> rate = Integer.parseInt(value);
                case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value));
                case "--ramp" -> ramp = Integer.parseInt(value);
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                case "--report" -> report = Path.of(value);
                case "--in-flight" -> inFlight = Integer.parseInt(value);
                case "--store" -> memoryStore = switch (value) {
                    case "memory" -> true;
                    case "dynamodb" -> false;
                    default -> throw new IllegalArgumentException("--store must be 'dynamodb' or 'memory'");
                };
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            }
        }
        return new LoadOptions(url, token, connections, rooms, rate, duration, ramp, report, warmup, memoryStore,
                inFlight);
    }

    /** Options by name, from {@link #defaults()}: {@code LoadOptions.builder().connections(20).rooms(2).build()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** Names each setting of a run; unnamed ones keep their defaults. Checked as a whole by {@link #build()}. */
    public static final class Builder {
        private Optional<URI> url;
        private Optional<String> token;
        private int connections;
        private int rooms;
        private int rate;
        private Duration duration;
        private int rampPerSecond;
        private Path reportDirectory;
        private Duration warmup;
        private boolean memoryStore;
        private int inFlight;

        private Builder(LoadOptions from) {
            url = from.url;
            token = from.token;
            connections = from.connections;
            rooms = from.rooms;
            rate = from.rate;
            duration = from.duration;
            rampPerSecond = from.rampPerSecond;
            reportDirectory = from.reportDirectory;
            warmup = from.warmup;
            memoryStore = from.memoryStore;
            inFlight = from.inFlight;
        }

        /** A running stack to load; without one the local stack is started in-process. */
        public Builder url(URI value) {
            url = Optional.of(value);
            return this;
        }

        public Builder token(String value) {
            token = Optional.of(value);
            return this;
        }

        public Builder connections(int value) {
            connections = value;
            return this;
        }

        public Builder rooms(int value) {
            rooms = value;
            return this;
        }

        /** Sends per second, across all connections. */
        public Builder rate(int value) {
            rate = value;
            return this;
        }

        /** How long the measured part of the run lasts. */
        public Builder duration(Duration value) {
            duration = value;
            return this;
        }

        /** New connections per second. */
        public Builder rampPerSecond(int value) {
            rampPerSecond = value;
            return this;
        }

        public Builder reportDirectory(Path value) {
            reportDirectory = value;
            return this;
        }

        /** Time spent sending before measuring. */
        public Builder warmup(Duration value) {
            warmup = value;
            return this;
        }

        /** With no {@link #url}: the local stack's in-memory store instead of DynamoDB Local. */
        public Builder memoryStore(boolean value) {
            memoryStore = value;
            return this;
        }

        /** A closed loop with this many sends outstanding; 0 paces sends at {@link #rate}. */
        public Builder inFlight(int value) {
            inFlight = value;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(url, token, connections, rooms, rate, duration, rampPerSecond, reportDirectory,
                    warmup, memoryStore, inFlight);
        }
    }
}
