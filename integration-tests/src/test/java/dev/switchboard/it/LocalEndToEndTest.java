package dev.switchboard.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The end-to-end suite against the local stack, started in this JVM: runs in every build. */
class LocalEndToEndTest extends EndToEndSuite {

    private static LocalTarget target;

    @BeforeAll
    static void start() {
        target = new LocalTarget();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Override
    Target target() {
        return target;
    }
}
