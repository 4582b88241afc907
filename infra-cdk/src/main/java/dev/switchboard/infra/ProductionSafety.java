package dev.switchboard.infra;

import dev.switchboard.core.RoomPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Nothing open reaches production by accident: authentication off ({@link AuthSettings#off()}) or the open policy
 * ({@link RoomPolicy#open()}) on a stage that is not a development stage is refused unless the flag named for that
 * risk is set; and authentication off comes with the open policy. Checked by {@link SwitchboardProps}.
 */
final class ProductionSafety {

    /** Stage names that are development stages, whatever their case; so are names starting with a prefix below. */
    private static final Set<String> DEVELOPMENT_STAGES = Set.of("local", "dev", "test");
    private static final List<String> DEVELOPMENT_STAGE_PREFIXES = List.of("dev-", "test-");
    /** The development stages, as the refusal to deploy an open stack elsewhere names them. */
    private static final String DEVELOPMENT_STAGE_NAMES = "local, dev, test, or a name starting with dev- or test-";

    private ProductionSafety() {
    }

    /** As {@link SwitchboardProps#isDevelopmentStage}. */
    static boolean isDevelopmentStage(String stageName) {
        String name = stageName.toLowerCase(Locale.ROOT);
        return DEVELOPMENT_STAGES.contains(name) || DEVELOPMENT_STAGE_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** @throws IllegalArgumentException naming the setting at fault and the flag that accepts the risk, if any */
    static void check(String stageName, AuthSettings auth, RoomPolicy policy, boolean allowUnauthenticatedProduction,
                      boolean allowOpenPolicyProduction) {
        if (!isDevelopmentStage(stageName)) {
            if (!auth.enabled() && !allowUnauthenticatedProduction) {
                throw new IllegalArgumentException(ContextKeys.AUTH_MODE + "=off lets anyone connect without a"
                        + " token, and stage '" + stageName + "' is not a development stage ("
                        + DEVELOPMENT_STAGE_NAMES + "). Deploy under such a stage, or set "
                        + ContextKeys.ALLOW_UNAUTHENTICATED_PRODUCTION + "=true to accept the risk.");
            }
            if (isOpen(policy) && !allowOpenPolicyProduction) {
                throw new IllegalArgumentException(ContextKeys.POLICY + "=open lets every connection join, read and"
                        + " send in any room but other users' personal rooms, and message any user, and stage '"
                        + stageName + "' is not a development stage (" + DEVELOPMENT_STAGE_NAMES
                        + "). Deploy under such a stage, or set " + ContextKeys.ALLOW_OPEN_POLICY_PRODUCTION
                        + "=true to accept the risk.");
            }
        }
        if (!auth.enabled() && !isOpen(policy)) {
            // Anonymous connections carry no capabilities: under the claims policy they could only use their own
            // personal rooms, which is never what someone turning authentication off wants.
            throw new IllegalArgumentException(ContextKeys.AUTH_MODE + "=off leaves no token to grant rooms, so "
                    + ContextKeys.POLICY + "=claims would refuse every room: set " + ContextKeys.POLICY + "=open too");
        }
    }

    private static boolean isOpen(RoomPolicy policy) {
        return policy.mode().equals(RoomPolicy.open().mode());
    }
}
