package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRejectedException;
import dev.switchboard.functions.auth.VerifiedIdentity;
import dev.switchboard.protocol.Handshake;
import dev.switchboard.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REQUEST authorizer on {@code $connect}. The token comes from an {@code Authorization: Bearer} header or a
 * {@code token} query parameter (browsers cannot set headers on a WebSocket). No token, or a token whose subject is
 * not a usable user id: fails with {@code Unauthorized}, which API Gateway answers with 401. A token that fails
 * verification (signature, expiry, issuer, audience or client, malformed capabilities): a Deny policy (403). A valid
 * token: an Allow policy for the {@code $connect} route with {@code userId} (the token's {@code sub}), its
 * capabilities in compact form, its expiry and its other claims as strings in the context, which then reaches every
 * later event of the connection.
 *
 * <p>With authentication off every connection is allowed, as an anonymous user: {@code anonymous:} and a digest of
 * the client's {@link Handshake#INSTANCE_PARAMETER instance id} when it presents one (so a client that reconnects
 * stays the same sender, and nobody without its secret instance id can be that sender), else {@code anonymous:}
 * and the connection id (see {@link Invocation}).
 */
public final class JwtAuthorizerHandler
        implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthorizerHandler.class);
    private static final String BEARER = "bearer ";
    private static final String ANONYMOUS = "anonymous";

    /** Null when auth is off. */
    private final JwtVerifier verifier;

    public JwtAuthorizerHandler() {
        this(JwtVerifier.fromEnvironment(System.getenv()).orElse(null));
    }

    /** @param verifier the token verifier, or null to allow every connection as an anonymous user */
    public JwtAuthorizerHandler(JwtVerifier verifier) {
        this.verifier = verifier;
        if (verifier == null) {
            LOG.warn("authentication is OFF: every connection is allowed as an anonymous user");
        }
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        return Telemetry.around(context, () -> decide(event));
    }

    private IamPolicyResponseV1 decide(APIGatewayCustomAuthorizerEvent event) {
        String methodArn = event.getMethodArn();
        String requestId = event.getRequestContext() == null ? "" : event.getRequestContext().getRequestId();
        if (verifier == null) {
            Map<String, Object> anonymous = new HashMap<>();
            String userId = anonymousUser(event);
            if (userId != null) {
                anonymous.put(AuthorizerContext.USER_ID, userId);
            }
            LOG.info("authorizer requestId={} decision=allow userId={} (auth off)", requestId, userId);
            return policy(userId == null ? ANONYMOUS : userId, IamPolicyResponseV1.ALLOW, methodArn, anonymous);
        }
        Optional<String> token = tokenOf(event);
        if (token.isEmpty()) {
            LOG.info("authorizer requestId={} decision=unauthorized reason=no token", requestId);
            throw new UnauthorizedException();
        }
        try {
            VerifiedIdentity identity = verifier.verify(token.get());
            Map<String, Object> claims = new HashMap<>();
            identity.claims().forEach((name, value) -> {
                if (AuthorizerContext.mayCarry(name)) {
                    claims.put(name, value);
                }
            });
            claims.put(AuthorizerContext.USER_ID, identity.userId());
            AuthorizerContext.put(claims, identity.grant());
            LOG.info("authorizer requestId={} decision=allow userId={}", requestId, identity.userId());
            return policy(identity.userId(), IamPolicyResponseV1.ALLOW, methodArn, claims);
        } catch (TokenRejectedException e) {
            if (e.unauthenticated()) {
                LOG.info("authorizer requestId={} decision=unauthorized reason={}", requestId, e.getMessage());
                throw new UnauthorizedException();
            }
            LOG.info("authorizer requestId={} decision=deny reason={}", requestId, e.getMessage());
            return policy(ANONYMOUS, IamPolicyResponseV1.DENY, methodArn, Map.of());
        }
    }

    /**
     * The anonymous identity of a connection of a stack without authentication, from the client's instance id;
     * null without a valid one (the connection is then {@code anonymous:<connection id>}).
     */
    static String anonymousUser(APIGatewayCustomAuthorizerEvent event) {
        Map<String, String> query = event.getQueryStringParameters();
        String instance = query == null ? null : query.get(Handshake.INSTANCE_PARAMETER);
        if (Handshake.isValidInstance(instance)) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(("switchboard-instance:" + instance).getBytes(StandardCharsets.UTF_8));
                // 22 characters of base64url: 132 bits, and never the secret itself.
                return Limits.ANONYMOUS_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest)
                        .substring(0, 22);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
        // The authorizer's event does not carry the connection id: the routes fall back to it (see Invocation).
        return null;
    }

    static Optional<String> tokenOf(APIGatewayCustomAuthorizerEvent event) {
        if (event.getHeaders() != null) {
            for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
                String value = header.getValue();
                if (Handshake.AUTHORIZATION_HEADER.equalsIgnoreCase(header.getKey()) && value != null
                        && value.toLowerCase(Locale.ROOT).startsWith(BEARER)
                        && !value.substring(BEARER.length()).isBlank()) {
                    return Optional.of(value.substring(BEARER.length()).trim());
                }
            }
        }
        Map<String, String> query = event.getQueryStringParameters();
        String token = query == null ? null : query.get(Handshake.TOKEN_PARAMETER);
        if (token != null && !token.isBlank()) {
            return Optional.of(token.trim());
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
