package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.Tokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code $connect} authorizer on hostile requests. Whatever the headers, query string and token, it answers
 * with exactly one of: {@code Unauthorized} (401, no token), a Deny policy (403), or an Allow policy for a token
 * that passes every check, with a context of strings only; nothing else escapes, and every policy serializes as
 * API Gateway reads it.
 *
 * <p>{@code requestEvent}'s inputs are REQUEST-authorizer events as JSON. {@code signedClaims}' inputs are the
 * parts of a token that the fuzzer controls while the signature stays valid: an optional JOSE header line, then
 * the claims; the test signs them with the test key so the claim checks, not the signature check, are what is
 * fuzzed.
 */
class AuthorizerFuzzTest {

    private static final JwtAuthorizerHandler HANDLER = new JwtAuthorizerHandler(JwtVerifier.hs256(
            Tokens.SECRET.getBytes(StandardCharsets.UTF_8), Optional.of(Tokens.ISSUER), Optional.of(Tokens.AUDIENCE)));
    private static final PojoSerializer<IamPolicyResponseV1> POLICIES =
            LambdaEventSerializers.serializerFor(IamPolicyResponseV1.class, AuthorizerFuzzTest.class.getClassLoader());
    private static final String METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/$connect";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** The context key that carries the identity into every later event of the connection. */
    private static final String USER_ID = "userId";

    @FuzzTest
    void requestEvent(byte[] input) {
        FuzzSupport.install();
        Optional<APIGatewayCustomAuthorizerEvent> event = FuzzSupport.event(APIGatewayCustomAuthorizerEvent.class,
                input);
        if (event.isEmpty()) {
            return;
        }
        Optional<IamPolicyResponseV1> policy = decide(event.get());
        if (policy.isEmpty()) {
            assertThat(JwtAuthorizerHandler.tokenOf(event.get())).as("401 only without a token").isEmpty();
        } else {
            assertThat(JwtAuthorizerHandler.tokenOf(event.get())).as("a policy only for a token").isPresent();
        }
        assertThat(FuzzSupport.drainErrors()).isEmpty();
    }

    @FuzzTest
    void signedClaims(byte[] input) {
        FuzzSupport.install();
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String header = newline < 0 ? "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" : text.substring(0, newline);
        String claims = newline < 0 ? text : text.substring(newline + 1);
        String token = signed(header, claims);

        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("REQUEST");
        event.setMethodArn(METHOD_ARN);
        event.setHeaders(Map.of("Authorization", "Bearer " + token));
        IamPolicyResponseV1 policy = decide(event).orElseThrow(() -> new AssertionError("a token is present"));

        if (effect(policy).equals(IamPolicyResponseV1.ALLOW)) {
            // Allowed only when every check the verifier promises holds for what was signed.
            assertThat(parse(() -> JWSHeader.parse(header))
                    .getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
            JWTClaimsSet set = parse(() -> JWTClaimsSet.parse(claims));
            assertThat(set.getSubject()).isEqualTo(policy.getPrincipalId()).isNotBlank();
            assertThat(set.getIssuer()).isEqualTo(Tokens.ISSUER);
            assertThat(set.getAudience()).contains(Tokens.AUDIENCE);
            assertThat(set.getExpirationTime()).isNotNull();
            assertThat(set.getExpirationTime().toInstant()).isAfter(Instant.now().minusSeconds(61));
        }
        assertThat(FuzzSupport.drainErrors()).isEmpty();
    }

    /** The handler's answer: empty for Unauthorized (401); anything else that escapes fails the test. */
    private static Optional<IamPolicyResponseV1> decide(APIGatewayCustomAuthorizerEvent event) {
        IamPolicyResponseV1 policy;
        try {
            policy = HANDLER.handleRequest(event, null);
        } catch (UnauthorizedException e) {
            return Optional.empty();
        }
        String effect = effect(policy);
        assertThat(effect).isIn(IamPolicyResponseV1.ALLOW, IamPolicyResponseV1.DENY);
        Map<String, Object> context = policy.getContext();
        if (effect.equals(IamPolicyResponseV1.ALLOW)) {
            assertThat(policy.getPrincipalId()).isNotBlank();
            assertThat(context).containsEntry(USER_ID, policy.getPrincipalId());
            // API Gateway hands context values on as strings; anything else would fail the handshake with 500.
            assertThat(context.values()).allMatch(String.class::isInstance);
        } else {
            assertThat(context).doesNotContainKey(USER_ID);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        POLICIES.toJson(policy, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"principalId\"");
        return Optional.of(policy);
    }

    @SuppressWarnings("unchecked")
    private static String effect(IamPolicyResponseV1 policy) {
        Object[] statements = (Object[]) policy.getPolicyDocument().get("Statement");
        assertThat(statements).hasSize(1);
        return String.valueOf(((Map<String, Object>) statements[0]).get("Effect"));
    }

    /** A compact JWS over exactly these header and claims texts, signed with the test key. */
    private static String signed(String header, String claims) {
        String signingInput = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Tokens.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Parse<T> {
        T parse() throws java.text.ParseException;
    }

    /** What was allowed must also parse on its own: a token the verifier accepted cannot be unparseable. */
    private static <T> T parse(Parse<T> parse) {
        try {
            return parse.parse();
        } catch (java.text.ParseException e) {
            throw new AssertionError("an allowed token does not parse: " + e.getMessage(), e);
        }
    }
}
