package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTest {

    @Test
    void tableHasTheThreeSpecialRoutesAndTheActions() {
        assertThat(Arrays.stream(Route.values()).map(Route::key))
                .containsExactlyInAnyOrder("$connect", "$disconnect", "$default", "join", "leave", "send", "ping",
                        "resume", "presence", "direct", "refresh");
        assertThat(Route.actionRoutes()).extracting(Route::key)
                .containsExactly("join", "leave", "send", "ping", "resume", "presence", "direct", "refresh");
    }

    @Test
    void routeKeysAreUnique() {
        assertThat(Arrays.stream(Route.values()).map(Route::key).distinct()).hasSize(Route.values().length);
    }

    @Test
    void onlyMessageRoutesReplyToTheCaller() {
        assertThat(Route.CONNECT.repliesToCaller()).isFalse();
        assertThat(Route.DISCONNECT.repliesToCaller()).isFalse();
        assertThat(Route.DEFAULT.repliesToCaller()).isTrue();
        assertThat(Route.SEND.repliesToCaller()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"action\":\"join\",\"room\":\"a\"}                 | join",
            "{\"room\":\"a\",\"action\":\"send\",\"data\":1}      | send",
            "  {\"action\" : \"ping\"}                            | ping",
            "{\"action\":\"leave\",\"nested\":{\"action\":\"x\"}} | leave"
    })
    void exactActionMatchSelectsTheRoute(String body, String expected) {
        assertThat(Route.select(body).key()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "",
            "[\"action\",\"join\"]",
            "\"join\"",
            "{\"room\":\"a\"}",
            "{\"action\":\"JOIN\"}",
            "{\"action\":\"join \"}",
            "{\"action\":\"$connect\"}",
            "{\"action\":\"$disconnect\"}",
            "{\"action\":\"$default\"}",
            "{\"action\":7}",
            "{\"action\":null}",
            "{\"action\":\"join\"} trailing",
            "{\"action\":\"join\"",
            "{\"nested\":{\"action\":\"join\"}}"
    })
    void anythingElseFallsToDefault(String body) {
        assertThat(Route.select(body)).isEqualTo(Route.DEFAULT);
    }

    @Test
    void nullBodyFallsToDefault() {
        assertThat(Route.select(null)).isEqualTo(Route.DEFAULT);
    }
}
