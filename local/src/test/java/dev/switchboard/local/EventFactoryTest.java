package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFactoryTest {

    private final EventFactory events = new EventFactory("local", "localhost:3001", "local");

    @Test
    void headerAndQueryNamesAreKeptVerbatimEvenWhenTheyLookLikeJsonPointers() {
        // Found by fuzzing: a query parameter named "/a/b" became {"a":{"b":[...]}} in multiValueQueryStringParameters.
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Trace", "1").add("X-Trace", "2");
        Map<String, List<String>> query = Map.of("/a/b", List.of("1", "2"), "token", List.of("t"));

        ObjectNode connect = events.connect("Conn-1=", headers, query, "127.0.0.1", "ua", Map.of(), Instant.EPOCH);
        ObjectNode authorizer = events.authorizer("Conn-1=", headers, query, "127.0.0.1", "ua", Instant.EPOCH);

        for (ObjectNode event : List.of(connect, authorizer)) {
            assertThat(event.path("queryStringParameters").path("/a/b").asText()).isEqualTo("2");
            assertThat(event.path("multiValueQueryStringParameters").path("/a/b").toString()).isEqualTo("[\"1\",\"2\"]");
            assertThat(event.path("multiValueQueryStringParameters").has("a")).isFalse();
            assertThat(event.path("multiValueHeaders").path("X-Trace").toString()).isEqualTo("[\"1\",\"2\"]");
        }
    }
}
