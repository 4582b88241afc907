package dev.switchboard.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.RoomAction;
import dev.switchboard.functions.auth.TokenRules;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test tokens for the local stack with {@code --auth}: HS256, issuer {@value #ISSUER}, with capabilities in the
 * default claims ({@code rooms}, {@code direct}).
 *
 * <pre>{@code
 * Capabilities caps = LocalTokens.parseRooms("lobby:join,send;team-42:*:join,history,presence,send", "*");
 * String token = LocalTokens.mint(secret, "alice", Duration.ofMinutes(15), caps);
 * }</pre>
 */
public final class LocalTokens {

    public static final String ISSUER = "switchboard-local";
    /** What the banner's test token grants: every action in every room, direct messages to anyone. */
    public static final Capabilities EVERYTHING = parseRooms("*:join,history,presence,send", "*");

    private LocalTokens() {
    }

    /** A new random secret for a local run. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A token for {@code user} that grants everything, valid for {@code lifetime}. */
    public static String mint(String secret, String user, Duration lifetime) {
        return mint(secret, user, lifetime, EVERYTHING);
    }

    /** A token for {@code user} with the given capabilities, valid for {@code lifetime}. */
    public static String mint(String secret, String user, Duration lifetime, Capabilities capabilities) {
        Instant now = Instant.now();
        Map<String, Object> rooms = new LinkedHashMap<>();
        for (Capabilities.RoomGrant grant : capabilities.rooms()) {
            rooms.put(grant.pattern(), grant.rights().actions().stream().map(RoomAction::claimName).toList());
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user)
                .issuer(ISSUER)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim(TokenRules.DEFAULT_ROOMS_CLAIM, rooms)
                .claim(TokenRules.DEFAULT_DIRECT_CLAIM, capabilities.direct())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
    }

    /**
     * Capabilities written on a command line: room entries separated by {@code ;}, each a pattern and its actions
     * after the pattern's last {@code :} ({@code team-42:*:join,send}); user patterns separated by {@code ,}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Capabilities parseRooms(String rooms, String direct) {
        Map<String, Object> claim = new LinkedHashMap<>();
        if (rooms != null && !rooms.isBlank()) {
            for (String entry : rooms.split(";")) {
                int colon = entry.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--rooms entry '" + entry + "' needs pattern:actions");
                }
                claim.put(entry.substring(0, colon).trim(), List.of(entry.substring(colon + 1).trim().split(",")));
            }
        }
        List<String> users = direct == null || direct.isBlank() ? List.of() : List.of(direct.split(","));
        return Capabilities.fromClaims(claim, users);
    }

    /** A lifetime such as {@code 90s}, {@code 15m}, {@code 12h} or {@code 7d}. */
    public static Duration parseLifetime(String text) {
        if (text == null || text.length() < 2) {
            throw new IllegalArgumentException("--ttl needs a number and a unit (s, m, h or d), e.g. 15m");
        }
        long amount;
        try {
            amount = Long.parseLong(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ttl needs a number and a unit (s, m, h or d), e.g. 15m");
        }
        Duration lifetime = switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("--ttl unit must be s, m, h or d");
        };
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("--ttl must be between 1s and 30d");
        }
        return lifetime;
    }
}
