package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Capabilities;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRejectedException;
import dev.switchboard.functions.auth.TokenRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The tokens {@code ./switchboard token} mints, read back by the verifier the local stack runs. */
class LocalTokensTest {

    private final String secret = LocalTokens.newSecret();
    private final JwtVerifier verifier = JwtVerifier.hs256(secret.getBytes(StandardCharsets.UTF_8),
            TokenRules.issuedBy(LocalTokens.ISSUER));

    @Test
    void aMintedTokenCarriesTheCapabilitiesWrittenOnTheCommandLine() throws TokenRejectedException {
        Capabilities capabilities = LocalTokens.parseRooms("lobby:join,send;team-42:*:join,history,presence,send",
                "bob,support-*");

        Capabilities read = verifier.verify(LocalTokens.mint(secret, "alice", Duration.ofMinutes(15), capabilities))
                .grant().capabilities();

        assertThat(read).isEqualTo(capabilities);
        assertThat(read.compact()).isEqualTo("lobby=js;team-42:*=jhps|bob,support-*");
    }

    @Test
    void withoutCapabilitiesATestTokenGrantsEverything() throws TokenRejectedException {
        var identity = verifier.verify(LocalTokens.mint(secret, "alice", Duration.ofHours(12)));

        assertThat(identity.grant().capabilities().rightsIn("any-room").code()).isEqualTo("jhps");
        assertThat(identity.grant().capabilities().mayDirect("anyone")).isTrue();
        assertThat(identity.grant().expiresAt()).isBetween(Instant.now().plus(Duration.ofHours(11)),
                Instant.now().plus(Duration.ofHours(13)));
    }

    @Test
    void lifetimesAndRoomSpecsAreCheckedWithAClearMessage() {
        assertThat(LocalTokens.parseLifetime("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(LocalTokens.parseLifetime("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(LocalTokens.parseLifetime("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(LocalTokens.parseLifetime("7d")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> LocalTokens.parseLifetime("15")).hasMessageContaining("--ttl");
        assertThatThrownBy(() -> LocalTokens.parseLifetime("15w")).hasMessageContaining("--ttl");
        assertThatThrownBy(() -> LocalTokens.parseLifetime("0m")).hasMessageContaining("--ttl");
        assertThatThrownBy(() -> LocalTokens.parseLifetime("31d")).hasMessageContaining("--ttl");
        assertThatThrownBy(() -> LocalTokens.parseRooms("lobby", null)).hasMessageContaining("pattern:actions");
        assertThatThrownBy(() -> LocalTokens.parseRooms("lobby:fly", null)).hasMessageContaining("unknown action");
        assertThat(LocalTokens.parseRooms(null, "*").mayDirect("x")).isTrue();
    }
}
