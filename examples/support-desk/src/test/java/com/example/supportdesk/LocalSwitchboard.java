package com.example.supportdesk;

import dev.switchboard.config.EnvNames;
import dev.switchboard.local.LocalEvents;
import dev.switchboard.local.LocalExtensions;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Switchboard's local runtime, started in this JVM as {@code ./switchboard local} starts it from the same flags. The
 * only class of the desk's tests that knows the runtime's Java API: a rename there is a change here only.
 */
final class LocalSwitchboard implements AutoCloseable {

    private final LocalRuntime runtime;
    private final String secret;

    private LocalSwitchboard(LocalRuntime runtime, String secret) {
        this.runtime = runtime;
        this.secret = secret;
    }

    /**
     * The runtime with authentication on (a fresh secret) and the store in DynamoDB Local, on a free port, with
     * these flags besides ({@code --route}, {@code --hook}, {@code --events}, ...).
     */
    static LocalSwitchboard start(String... flags) {
        String secret = LocalTokens.newSecret();
        List<String> all = new ArrayList<>(List.of("--port", "0", "--auth", "--jwt-secret", secret));
        Optional<LocalEvents.Target> events = Optional.empty();
        for (int i = 0; i < flags.length; i++) {
            if (flags[i].equals(LocalEvents.FLAG) && i + 1 < flags.length) {
                events = Optional.of(LocalEvents.Target.parse(flags[++i]));
            } else {
                all.add(flags[i]);
            }
        }
        LocalExtensions.Parsed parsed = LocalExtensions.parse(all.toArray(String[]::new));
        LocalRuntime runtime = LocalRuntime.start(LocalRuntimeOptions.parse(parsed.rest()), path -> Optional.empty(),
                events, parsed.extensions());
        return new LocalSwitchboard(runtime, secret);
    }

    URI webSocketUrl() {
        return runtime.webSocketUrl();
    }

    /** DynamoDB Local's endpoint: Switchboard's table is there, and the tests put the desk's tables beside it. */
    URI dynamoDbEndpoint() {
        return runtime.dynamoDbEndpoint();
    }

    /** What a backend on this machine is given to reach this runtime through the server API. */
    Map<String, String> serverApiEnvironment() {
        return Map.of(EnvNames.TABLE_NAME, runtime.table(),
                EnvNames.DYNAMODB_ENDPOINT, runtime.dynamoDbEndpoint().toString(),
                EnvNames.MANAGEMENT_ENDPOINT, runtime.managementEndpoint().toString(),
                EnvNames.REGION, "us-east-1");
    }

    /** A token for the user that grants nothing in any room: which ticket rooms they may join is the hook's say. */
    String token(String user) {
        return LocalTokens.mint(secret, user, Duration.ofHours(1), LocalTokens.parseRooms("", ""));
    }

    @Override
    public void close() {
        runtime.close();
    }
}
