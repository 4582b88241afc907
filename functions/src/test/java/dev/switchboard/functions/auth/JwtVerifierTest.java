package dev.switchboard.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    private final JwtVerifier hs = JwtVerifier.hs256(Tokens.SECRET.getBytes(StandardCharsets.UTF_8),
            Optional.of(Tokens.ISSUER), Optional.of(Tokens.AUDIENCE));
    private HttpServer jwksServer;

    @AfterEach
    void stopJwks() {
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
    }

    private URI serveJwks(AtomicReference<JWKSet> keys, AtomicInteger fetches) throws IOException {
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = keys.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();
        return URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/.well-known/jwks.json");
    }

    private static String rejection(JwtVerifier verifier, String token) {
        try {
            verifier.verify(token);
        } catch (TokenRejectedException e) {
            return e.getMessage();
        }
        throw new AssertionError("token was accepted");
    }

    @Test
    void validHs256TokenGivesTheSubjectAndStringClaims() throws Exception {
        String token = Tokens.hs256("alice", c -> c.claim("email", "alice@example.com").claim("admin", true)
                .claim("level", 7).claim("groups", List.of("a", "b")).claim("nested", java.util.Map.of("x", 1)));

        VerifiedIdentity identity = hs.verify(token);

        assertThat(identity.userId()).isEqualTo("alice");
        assertThat(identity.claims()).containsEntry("email", "alice@example.com").containsEntry("admin", "true")
                .containsEntry("level", "7").containsEntry("groups", "a,b").containsEntry("iss", Tokens.ISSUER)
                .doesNotContainKeys("nested", "sub", "exp");
    }

    @Test
    void expiredTokenIsRejected() {
        String token = Tokens.hs256("alice", c -> c.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5)))));
        assertThat(rejection(hs, token)).containsIgnoringCase("expired");
    }

    @Test
    void aTokenSecondsPastItsExpiryIsRejectedThoughNbfHasSkew() throws Exception {
        String token = Tokens.hs256("alice", c -> c.expirationTime(Date.from(Instant.now().minusSeconds(10))));
        assertThat(rejection(hs, token)).isEqualTo("expired");
        String early = Tokens.hs256("alice", c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(20))));
        assertThat(hs.verify(early).userId()).as("a clock a little ahead at the issuer is tolerated for nbf")
                .isEqualTo("alice");
    }

    @Test
    void notYetValidTokenIsRejected() {
        String token = Tokens.hs256("alice", c -> c.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))));
        assertThat(rejection(hs, token)).isNotBlank();
    }

    @Test
    void tokenWithoutExpiryIsRejected() {
        String token = Tokens.hs256("alice", c -> c.expirationTime(null));
        assertThat(rejection(hs, token)).isNotBlank();
    }

    @Test
    void forgedSignatureIsRejected() {
        String forged = Tokens.hs256(Tokens.claims("alice").build(), "another-secret-that-is-also-32-bytes!!");
        assertThat(rejection(hs, forged)).isNotBlank();
    }

    @Test
    void tamperedPayloadIsRejected() {
        String token = Tokens.hs256(Tokens.claims("alice").build());
        String[] parts = token.split("\\.");
        String evil = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                Tokens.claims("admin").build().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(rejection(hs, parts[0] + "." + evil + "." + parts[2])).isNotBlank();
    }

    @Test
    void unsecuredAlgNoneTokenIsRejected() {
        assertThat(rejection(hs, Tokens.unsecured(Tokens.claims("alice").build()))).isNotBlank();
    }

    @Test
    void wrongAudienceAndWrongIssuerAreRejected() {
        assertThat(rejection(hs, Tokens.hs256("alice", c -> c.audience("someone-else"))))
                .isEqualTo("not for this audience").as("never the token's own values").doesNotContain("someone-else");
        assertThat(rejection(hs, Tokens.hs256("alice", c -> c.issuer("https://evil.example")))).isNotBlank();
    }

    @Test
    void missingSubjectIsRejected() {
        assertThat(rejection(hs, Tokens.hs256("alice", c -> c.subject(null)))).isNotBlank();
    }

    @Test
    void garbageAndOversizeAreRejectedWithoutEchoingTheToken() {
        for (String garbage : new String[] {"", "   ", "abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "x".repeat(20_000)}) {
            String reason = rejection(hs, garbage);
            assertThat(reason).isNotBlank().hasSizeLessThan(200);
            if (garbage.length() > 3) {
                assertThat(reason).doesNotContain(garbage.trim());
            }
        }
    }

    @Test
    void shortSecretIsAConfigurationError() {
        assertThatThrownBy(() -> JwtVerifier.hs256("short".getBytes(StandardCharsets.UTF_8), Optional.empty(),
                Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rs256AndEs256TokensVerifyAgainstAJwksAndKeysRotate() throws Exception {
        RSAKey rsa = Tokens.rsaKey("rsa-1");
        ECKey ec = Tokens.ecKey("ec-1");
        AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(List.of(rsa.toPublicJWK(),
                ec.toPublicJWK())));
        AtomicInteger fetches = new AtomicInteger();
        JwtVerifier jwks = JwtVerifier.jwks(serveJwks(published, fetches),
                TokenRules.issuedBy(Tokens.ISSUER).withAudience(Optional.of(Tokens.AUDIENCE)));
        JWTClaimsSet claims = Tokens.claims("bob").build();

        assertThat(jwks.verify(Tokens.rs256(rsa, claims)).userId()).isEqualTo("bob");
        assertThat(jwks.verify(Tokens.es256(ec, claims)).userId()).isEqualTo("bob");
        int fetchesBeforeRotation = fetches.get();
        assertThat(fetchesBeforeRotation).as("keys are cached, not fetched per token").isEqualTo(1);

        RSAKey rotated = Tokens.rsaKey("rsa-2");
        published.set(new JWKSet(List.of(rotated.toPublicJWK())));
        assertThat(jwks.verify(Tokens.rs256(rotated, claims)).userId()).isEqualTo("bob");
        assertThat(fetches.get()).as("an unknown kid triggers a refetch").isGreaterThan(fetchesBeforeRotation);
    }

    @Test
    void jwksConfigurationRejectsHs256AndUnknownKeys() throws Exception {
        RSAKey rsa = Tokens.rsaKey("rsa-1");
        AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(rsa.toPublicJWK()));
        JwtVerifier jwks = JwtVerifier.jwks(serveJwks(published, new AtomicInteger()),
                TokenRules.issuedBy(Tokens.ISSUER).withAudience(Optional.of(Tokens.AUDIENCE)));
        JWTClaimsSet claims = Tokens.claims("bob").build();

        assertThat(rejection(jwks, Tokens.hs256(claims))).isNotBlank();
        assertThat(rejection(jwks, Tokens.rs256(Tokens.rsaKey("rsa-1"), claims))).as("same kid, other key")
                .isNotBlank();
        assertThat(rejection(jwks, Tokens.unsecured(claims))).isNotBlank();
    }

    @Test
    void aJwksVerifierNeedsAnIssuerAndAnAudienceOrClientIds() {
        URI jwks = URI.create("https://issuer.example/.well-known/jwks.json");

        assertThatThrownBy(() -> JwtVerifier.jwks(jwks, TokenRules.none())).hasMessageContaining("issuer");
        assertThatThrownBy(() -> JwtVerifier.jwks(jwks, TokenRules.issuedBy(Tokens.ISSUER)))
                .hasMessageContaining("audience or client ids");
        assertThatThrownBy(() -> JwtVerifier.jwks(jwks, TokenRules.none().withAudience(Optional.of("a"))))
                .hasMessageContaining("issuer");
    }

    @Test
    void aTokenTheSameIssuerMintedForAnotherApplicationIsRefused() throws Exception {
        RSAKey rsa = Tokens.rsaKey("rsa-1");
        URI url = serveJwks(new AtomicReference<>(new JWKSet(rsa.toPublicJWK())), new AtomicInteger());
        JwtVerifier byAudience = JwtVerifier.jwks(url,
                TokenRules.issuedBy(Tokens.ISSUER).withAudience(Optional.of(Tokens.AUDIENCE)));

        assertThat(rejection(byAudience, Tokens.rs256(rsa, Tokens.claims("bob").audience("other-app").build())))
                .isEqualTo("not for this audience");
        assertThat(rejection(byAudience, Tokens.rs256(rsa, Tokens.claims("bob").audience((String) null).build())))
                .isNotBlank();
    }

    @Test
    void aCognitoAccessTokenIsAcceptedByItsClientIdAndTokenUse() throws Exception {
        RSAKey rsa = Tokens.rsaKey("cognito-1");
        URI url = serveJwks(new AtomicReference<>(new JWKSet(rsa.toPublicJWK())), new AtomicInteger());
        JwtVerifier cognito = JwtVerifier.jwks(url, TokenRules.issuedBy(Tokens.ISSUER)
                .withClientIds(java.util.Set.of("app-client-1", "app-client-2")).withTokenUse("access"));
        // Cognito access tokens: no aud, the app client in client_id, token_use access, groups as a list.
        JWTClaimsSet.Builder access = Tokens.claims("7d3e1c2a-0b9f-4e61-9a35-1f6c2d8e4b71").audience((String) null)
                .claim("client_id", "app-client-2").claim("token_use", "access")
                .claim("cognito:groups", List.of("team-42"));

        VerifiedIdentity identity = cognito.verify(Tokens.rs256(rsa, access.build()));

        assertThat(identity.userId()).isEqualTo("7d3e1c2a-0b9f-4e61-9a35-1f6c2d8e4b71");
        assertThat(rejection(cognito, Tokens.rs256(rsa, access.claim("client_id", "someone-elses-app").build())))
                .contains("another client");
        assertThat(rejection(cognito, Tokens.rs256(rsa, access.claim("client_id", "app-client-1")
                .claim("token_use", "id").build()))).isNotBlank();
        assertThat(rejection(cognito, Tokens.rs256(rsa, Tokens.claims("x").audience((String) null)
                .claim("token_use", "access").build()))).as("no client at all").contains("another client");
    }

    @Test
    void anIdTokenIsMatchedToTheClientIdsByItsAudience() throws Exception {
        RSAKey rsa = Tokens.rsaKey("cognito-2");
        URI url = serveJwks(new AtomicReference<>(new JWKSet(rsa.toPublicJWK())), new AtomicInteger());
        JwtVerifier cognito = JwtVerifier.jwks(url, TokenRules.issuedBy(Tokens.ISSUER)
                .withClientIds(java.util.Set.of("app-client-1")).withTokenUse("id"));

        assertThat(cognito.verify(Tokens.rs256(rsa, Tokens.claims("u").audience("app-client-1")
                .claim("token_use", "id").build())).userId()).isEqualTo("u");
        assertThat(rejection(cognito, Tokens.rs256(rsa, Tokens.claims("u").audience("other")
                .claim("token_use", "id").build()))).contains("another client");
    }

    @Test
    void theCapabilityClaimsCanBeRenamed() throws Exception {
        JwtVerifier renamed = JwtVerifier.hs256(Tokens.SECRET.getBytes(StandardCharsets.UTF_8),
                TokenRules.issuedBy(Tokens.ISSUER).withClaims("https://example.com/rooms", "https://example.com/dm"));
        String token = Tokens.hs256("alice", c -> c.claim("https://example.com/rooms",
                java.util.Map.of("lobby", List.of("join"))).claim("https://example.com/dm", List.of("bob")));

        assertThat(renamed.verify(token).grant().capabilities().compact()).isEqualTo("lobby=j|bob");
    }

    @Test
    void aTokenWhoseHeaderOrClaimsAreJsonNullIsRejectedNotAnError() {
        // Found by fuzzing: Nimbus threw NullPointerException for a header of "null", which escaped the
        // authorizer, so API Gateway answered 500 to anyone sending it, without a valid signature.
        String nullJson = "bnVsbA";
        String emptyObject = "e30";
        for (String token : List.of(nullJson + "." + emptyObject + ".x", nullJson + "..",
                Tokens.hs256(Tokens.claims("alice").build()).replaceFirst("\\.[^.]*\\.", "." + nullJson + "."))) {
            assertThatThrownBy(() -> hs.verify(token)).as(token).isInstanceOf(TokenRejectedException.class);
        }
    }
}
