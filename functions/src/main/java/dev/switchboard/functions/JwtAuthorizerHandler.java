package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.switchboard.functions.auth.AuthConfig;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.SecretsManagerSecretSource;
import dev.switchboard.functions.auth.TokenRejectedException;
import dev.switchboard.functions.auth.VerifiedIdentity;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REQUEST authorizer on {@code $connect}. The token comes from an {@code Authorization: Bearer} header or a
 * {@code token} query parameter (browsers cannot set headers on a WebSocket). No token: fails with
 * {@code Unauthorized}, which API Gateway answers with 401. A token that fails verification: a Deny policy (403).
 * A valid token: an Allow policy for the {@code $connect} route with {@code userId} (the token's {@code sub}) and
 * the other claims as strings in the context, which then reaches every later event of the connection.
 */
public final class JwtAuthorizerHandler
        implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthorizerHandler.class);
    private static final String BEARER = "bearer ";
    private static final String ANONYMOUS = "anonymous";

    /** Null when auth is off. */
    private final JwtVerifier verifier;

    public JwtAuthorizerHandler() {
        this(verifierFor(AuthConfig.from(System.getenv())));
    }

    /** @param verifier the token verifier, or null to allow every connection as {@code anonymous} */
    public JwtAuthorizerHandler(JwtVerifier verifier) {
        this.verifier = verifier;
        if (verifier == null) {
            LOG.warn("authentication is OFF: every connection is allowed as anonymous");
        }
    }

    private static JwtVerifier verifierFor(AuthConfig config) {
        if (!config.enabled()) {
            return null;
        }
        return JwtVerifier.from(config, arn -> SecretsManagerSecretSource.create().secret(arn));
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        return Telemetry.around(context, () -> decide(event));
    }

    private IamPolicyResponseV1 decide(APIGatewayCustomAuthorizerEvent event) {
        String methodArn = event.getMethodArn();
        String connectionId = event.getRequestContext() == null ? "" : event.getRequestContext().getRequestId();
        if (verifier == null) {
            LOG.info("authorizer requestId={} decision=allow userId=anonymous (auth off)", connectionId);
            return policy(ANONYMOUS, IamPolicyResponseV1.ALLOW, methodArn, Map.of("userId", ANONYMOUS));
        }
        Optional<String> token = tokenOf(event);
        if (token.isEmpty()) {
            LOG.info("authorizer requestId={} decision=unauthorized reason=no token", connectionId);
            throw new UnauthorizedException();
        }
        try {
            VerifiedIdentity identity = verifier.verify(token.get());
            Map<String, Object> claims = new HashMap<>(identity.claims());
            claims.put("userId", identity.userId());
            LOG.info("authorizer requestId={} decision=allow userId={}", connectionId, identity.userId());
            return policy(identity.userId(), IamPolicyResponseV1.ALLOW, methodArn, claims);
        } catch (TokenRejectedException e) {
            LOG.info("authorizer requestId={} decision=deny reason={}", connectionId, e.getMessage());
            return policy(ANONYMOUS, IamPolicyResponseV1.DENY, methodArn, Map.of());
        }
    }

    static Optional<String> tokenOf(APIGatewayCustomAuthorizerEvent event) {
        if (event.getHeaders() != null) {
            for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
                String value = header.getValue();
                if ("authorization".equalsIgnoreCase(header.getKey()) && value != null
                        && value.toLowerCase(Locale.ROOT).startsWith(BEARER)
                        && !value.substring(BEARER.length()).isBlank()) {
                    return Optional.of(value.substring(BEARER.length()).trim());
                }
            }
        }
        Map<String, String> query = event.getQueryStringParameters();
        if (query != null && query.get("token") != null && !query.get("token").isBlank()) {
            return Optional.of(query.get("token").trim());
        }
        return Optional.empty();
    }

    private static IamPolicyResponseV1 policy(String principalId, String effect, String methodArn,
                                              Map<String, Object> context) {
        IamPolicyResponseV1.Statement statement = IamPolicyResponseV1.ALLOW.equals(effect)
                ? IamPolicyResponseV1.allowStatement(methodArn)
                : IamPolicyResponseV1.denyStatement(methodArn);
        return IamPolicyResponseV1.builder()
                .withPrincipalId(principalId)
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(List.of(statement))
                        .build())
                .withContext(context)
                .build();
    }
}
