package dev.switchboard.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The end-to-end suite against a deployed stack; skipped unless {@code SWITCHBOARD_WS_URL} is set (see
 * docs/deploy.md for the variables and how to get them from the stack outputs).
 */
@EnabledIfEnvironmentVariable(named = AwsTarget.WS_URL, matches = ".+")
class AwsEndToEndTest extends EndToEndSuite {

    private static AwsTarget target;

    @BeforeAll
    static void start() {
        target = new AwsTarget();
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Override
    Target target() {
        return target;
    }
}
