package dev.switchboard.core;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The actions a connection may take in one room, decided once when it joins (and again when it refreshes its
 * token) and kept with the membership, so later frames are checked without asking anyone.
 *
 * <pre>{@code
 * Rights rights = Rights.of(RoomAction.JOIN, RoomAction.SEND);
 * rights.allows(RoomAction.SEND);   // true
 * rights.code();                    // "js"
 * }</pre>
 *
 * @param actions the allowed actions
 */
public record Rights(Set<RoomAction> actions) {

    /** Nothing: not even joining. */
    public static final Rights NONE = new Rights(EnumSet.noneOf(RoomAction.class));
    /** Everything (open policy, personal rooms). */
    public static final Rights ALL = new Rights(EnumSet.allOf(RoomAction.class));

    public Rights {
        actions = actions.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(RoomAction.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(actions));
    }

    public static Rights of(RoomAction... actions) {
        EnumSet<RoomAction> set = EnumSet.noneOf(RoomAction.class);
        Collections.addAll(set, actions);
        return new Rights(set);
    }

    /**
     * Reads the compact form ({@link #code()}). Unknown letters are an error: a stored or forwarded grant that does
     * not read back exactly must not widen or narrow anything silently.
     */
    public static Rights fromCode(String code) {
        EnumSet<RoomAction> set = EnumSet.noneOf(RoomAction.class);
        for (int i = 0; i < code.length(); i++) {
            char letter = code.charAt(i);
            set.add(RoomAction.byCode(letter).orElseThrow(() ->
                    new IllegalArgumentException("unknown right '" + letter + "'")));
        }
        return new Rights(set);
    }

    /**
     * Rights named as a token's capabilities name them ({@code join}, {@code history}, {@code presence},
     * {@code send}): how a backend names them when it asks the server side for a membership.
     *
     * @throws IllegalArgumentException for a name that is none of these
     */
    public static Rights named(Collection<String> names) {
        EnumSet<RoomAction> set = EnumSet.noneOf(RoomAction.class);
        for (String name : names) {
            set.add(RoomAction.byClaimName(name).orElseThrow(() -> new IllegalArgumentException("unknown right '"
                    + name + "': expected history, presence or send")));
        }
        return new Rights(set);
    }

    public boolean allows(RoomAction action) {
        return actions.contains(action);
    }

    public Rights union(Rights other) {
        EnumSet<RoomAction> set = EnumSet.noneOf(RoomAction.class);
        set.addAll(actions);
        set.addAll(other.actions);
        return new Rights(set);
    }

    /** One letter per action, in declaration order: {@code "jhps"} for all of them, {@code ""} for none. */
    public String code() {
        StringBuilder code = new StringBuilder(actions.size());
        actions.forEach(action -> code.append(action.code()));
        return code.toString();
    }
}
