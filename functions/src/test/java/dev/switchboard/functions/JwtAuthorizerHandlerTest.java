package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.Tokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The authorizer driven by API Gateway REQUEST-authorizer event fixtures, with real signed tokens. */
class JwtAuthorizerHandlerTest {

    private static final String CONNECT_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/$connect";
    private static final ClassLoader LOADER = JwtAuthorizerHandlerTest.class.getClassLoader();
    private static final PojoSerializer<APIGatewayCustomAuthorizerEvent> EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayCustomAuthorizerEvent.class, LOADER);
    private static final PojoSerializer<IamPolicyResponseV1> RESPONSES =
            LambdaEventSerializers.serializerFor(IamPolicyResponseV1.class, LOADER);

    private final JwtAuthorizerHandler handler = new JwtAuthorizerHandler(JwtVerifier.hs256(
            Tokens.SECRET.getBytes(StandardCharsets.UTF_8), Optional.of(Tokens.ISSUER), Optional.of(Tokens.AUDIENCE)));

    private static APIGatewayCustomAuthorizerEvent event(String fixture, String token) throws IOException {
        try (InputStream in = LOADER.getResourceAsStream("events/authorizer-" + fixture + ".json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${TOKEN}", token);
            return EVENTS.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statement(IamPolicyResponseV1 response) {
        Object[] statements = (Object[]) response.getPolicyDocument().get("Statement");
        assertThat(statements).hasSize(1);
        Map<String, Object> only = (Map<String, Object>) statements[0];
        Object resource = only.get("Resource");
        return Map.of("Effect", only.get("Effect"), "Action", only.get("Action"),
                "Resource", resource instanceof Object[] array ? List.of(array) : resource);
    }

    @Test
    void validTokenInTheHeaderIsAllowedWithTheUserInTheContext() throws IOException {
        String token = Tokens.hs256("alice", c -> c.claim("email", "alice@example.com"));

        IamPolicyResponseV1 response = handler.handleRequest(event("header", token), null);

        assertThat(response.getPrincipalId()).isEqualTo("alice");
        assertThat(statement(response)).containsEntry("Effect", "Allow").containsEntry("Action", "execute-api:Invoke");
        assertThat(statement(response).get("Resource").toString()).contains(CONNECT_ARN);
        assertThat(response.getContext()).containsEntry("userId", "alice").containsEntry("email", "alice@example.com");
        assertThat(response.getContext().values()).allMatch(String.class::isInstance);
    }

    @Test
    void validTokenInTheQueryStringIsAllowed() throws IOException {
        IamPolicyResponseV1 response = handler.handleRequest(event("query", Tokens.hs256(Tokens.claims("bob").build())),
                null);

        assertThat(statement(response)).containsEntry("Effect", "Allow");
        assertThat(response.getContext()).containsEntry("userId", "bob");
    }

    @Test
    void missingTokenFailsWithUnauthorizedSoApiGatewayAnswers401() throws IOException {
        APIGatewayCustomAuthorizerEvent event = event("missing", "");

        assertThatThrownBy(() -> handler.handleRequest(event, null)).hasMessage("Unauthorized");
    }

    @Test
    void forgedExpiredAndAlgNoneTokensAreDenied() throws IOException {
        String forged = Tokens.hs256(Tokens.claims("alice").build(), "not-the-secret-but-still-32-bytes-long");
        String expired = Tokens.hs256("alice", c -> c.expirationTime(new java.util.Date(0)));
        String none = Tokens.unsecured(Tokens.claims("alice").build());
        String wrongAudience = Tokens.hs256("alice", c -> c.audience("other-app"));

        for (String token : List.of(forged, expired, none, wrongAudience, "garbage")) {
            IamPolicyResponseV1 response = handler.handleRequest(event("query", token), null);
            assertThat(statement(response)).containsEntry("Effect", "Deny");
            assertThat(response.getContext()).doesNotContainKey("userId");
        }
    }

    @Test
    void headerNameIsCaseInsensitiveAndNeedsTheBearerScheme() throws IOException {
        String token = Tokens.hs256(Tokens.claims("dave").build());
        APIGatewayCustomAuthorizerEvent lower = event("missing", "");
        lower.setHeaders(Map.of("authorization", "bearer " + token));
        assertThat(handler.handleRequest(lower, null).getPrincipalId()).isEqualTo("dave");

        APIGatewayCustomAuthorizerEvent basic = event("missing", "");
        basic.setHeaders(Map.of("Authorization", "Basic " + token));
        assertThatThrownBy(() -> handler.handleRequest(basic, null)).hasMessage("Unauthorized");
    }

    @Test
    void authOffAllowsEveryoneAsAnonymousWhoseRoutesUseTheConnectionId() throws IOException {
        IamPolicyResponseV1 response = new JwtAuthorizerHandler(null).handleRequest(event("missing", ""), null);

        assertThat(statement(response)).containsEntry("Effect", "Allow");
        assertThat(response.getContext()).doesNotContainKey("userId");
    }

    @Test
    void authOffGivesAClientThatPresentsItsInstanceIdTheSameIdentityAtEveryConnect() throws IOException {
        JwtAuthorizerHandler open = new JwtAuthorizerHandler(null);
        String secret = "Zk3q_8XwVb2LmN0pQr7sTu";

        Object first = open.handleRequest(withQuery(Map.of("instance", secret)), null).getContext().get("userId");
        Object again = open.handleRequest(withQuery(Map.of("instance", secret)), null).getContext().get("userId");
        Object other = open.handleRequest(withQuery(Map.of("instance", "another-instance-id-0001")), null)
                .getContext().get("userId");

        assertThat(first).isEqualTo(again).isNotEqualTo(other);
        assertThat(first.toString()).startsWith("anonymous:").doesNotContain(secret).hasSize("anonymous:".length() + 22);
        assertThat(open.handleRequest(withQuery(Map.of("instance", "short")), null).getContext())
                .as("an instance id too short to be a secret is ignored").doesNotContainKey("userId");
    }

    @Test
    void aTokenIgnoresTheInstanceId() throws IOException {
        APIGatewayCustomAuthorizerEvent event = withQuery(Map.of("token", Tokens.hs256(Tokens.claims("alice").build()),
                "instance", "Zk3q_8XwVb2LmN0pQr7sTu"));

        assertThat(handler.handleRequest(event, null).getContext()).containsEntry("userId", "alice");
    }

    private static APIGatewayCustomAuthorizerEvent withQuery(Map<String, String> query) throws IOException {
        APIGatewayCustomAuthorizerEvent event = event("missing", "");
        event.setQueryStringParameters(query);
        return event;
    }

    @Test
    void policySerializesInTheShapeApiGatewayReads() throws IOException {
        IamPolicyResponseV1 response = handler.handleRequest(event("header", Tokens.hs256(Tokens.claims("eve").build())),
                null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RESPONSES.toJson(response, out);
        String json = out.toString(StandardCharsets.UTF_8);

        assertThat(json).contains("\"principalId\":\"eve\"").contains("\"Version\":\"2012-10-17\"")
                .contains("\"Effect\":\"Allow\"").contains("\"Action\":\"execute-api:Invoke\"")
                .contains("\"userId\":\"eve\"");
    }

    @Test
    void theTokensCapabilitiesAndExpiryGoToTheContextInCompactForm() throws IOException {
        String token = Tokens.hs256("alice", c -> c.claim("rooms", Map.of("team-42:*", List.of("join", "send")))
                .claim("direct", List.of("bob")));

        Map<String, Object> context = handler.handleRequest(event("header", token), null).getContext();

        assertThat(context).containsEntry("userId", "alice").containsEntry("capabilities", "team-42:*=js|bob")
                .containsKey("tokenExp").doesNotContainKeys("rooms", "direct");
        assertThat(AuthorizerContext.grantOf(context).expiresAt()).isAfter(java.time.Instant.now());
    }

    @Test
    void malformedCapabilitiesAreDenied() throws IOException {
        for (Object rooms : List.<Object>of(List.of("lobby"), Map.of("lobby", List.of("admin")),
                Map.of("no spaces", List.of("join")), "{\"lobby\":")) {
            String token = Tokens.hs256("alice", c -> c.claim("rooms", rooms));

            assertThat(statement(handler.handleRequest(event("header", token), null)))
                    .as(rooms.toString()).containsEntry("Effect", "Deny");
        }
    }

    @Test
    void aSubjectThatCannotBeAUserIdIsUnauthorized() throws IOException {
        for (String subject : List.of("x".repeat(129), "alice\u0007", "bob\nadmin",
                "anonymous:Zk3q_8XwVb2LmN0pQr7sTu", "server:newsroom")) {
            String token = Tokens.hs256(Tokens.claims(subject).build());

            assertThatThrownBy(() -> handler.handleRequest(event("header", token), null)).hasMessage("Unauthorized");
        }
        assertThat(handler.handleRequest(event("header", Tokens.hs256(Tokens.claims("x".repeat(128)).build())), null)
                .getPrincipalId()).hasSize(128);
    }

    @Test
    void copiedClaimsAreBoundedAndNeverTakeAKeySwitchboardOrTheGatewayUses() throws IOException {
        String token = Tokens.hs256("alice", c -> {
            c.claim("principalId", "mallory").claim("capabilities", "*=jhps|*").claim("tokenExp", "9999999999")
                    .claim("n".repeat(65), "long name").claim("team", "blue");
            for (int i = 0; i < 15; i++) {
                c.claim("big" + i, "v".repeat(250));
            }
            return c;
        });

        Map<String, Object> context = handler.handleRequest(event("header", token), null).getContext();

        assertThat(context).doesNotContainKeys("principalId", "n".repeat(65)).containsEntry("team", "blue")
                .containsEntry("capabilities", "|");
        assertThat(context.get("tokenExp")).isNotEqualTo("9999999999");
        int copied = context.entrySet().stream().filter(e -> e.getKey().startsWith("big"))
                .mapToInt(e -> e.getKey().length() + e.getValue().toString().length()).sum();
        assertThat(copied).isLessThanOrEqualTo(3 * 1024);
    }
}
