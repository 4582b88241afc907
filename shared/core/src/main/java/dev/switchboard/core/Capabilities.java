package dev.switchboard.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.protocol.Limits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a token lets its holder do: for each room pattern, the {@link RoomAction}s granted there, and the user
 * patterns the holder may {@code direct} to. A pattern is an exact name or a prefix ending in {@code *}
 * ({@code team-42:*}; {@code *} alone matches every name). Nothing is granted that no pattern grants.
 *
 * <p>Tokens carry them as two claims (names configurable, by default {@code rooms} and {@code direct}):
 * <pre>{@code
 * {"sub": "alice",
 *  "rooms": {"lobby": ["join", "send"], "team-42:*": ["join", "history", "presence", "send"]},
 *  "direct": ["bob", "support-*"]}
 * }</pre>
 * The authorizer checks them ({@link #fromClaims}) and hands them on in the compact form ({@link #compact()},
 * e.g. {@code lobby=js;team-42:*=jhps|bob,support-*}), which the connection record keeps.
 *
 * @param rooms  room patterns with the actions granted on the rooms they match
 * @param direct user patterns the holder may send {@code direct} messages to
 */
public record Capabilities(List<RoomGrant> rooms, List<String> direct) {

    /** Most room patterns (and, separately, user patterns) one token may carry. */
    public static final int MAX_PATTERNS = 64;
    /** Longest compact form: it travels in the authorizer context and sits on every connection record. */
    public static final int MAX_COMPACT_LENGTH = 2048;
    /** No capabilities at all. */
    public static final Capabilities NONE = new Capabilities(List.of(), List.of());

    private static final char WILDCARD = '*';
    private static final String PARTS = "|";
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * One room pattern and what it grants.
     *
     * @param pattern a room name, or a prefix of room names followed by {@code *}
     * @param rights  the actions granted on matching rooms
     */
    public record RoomGrant(String pattern, Rights rights) {
        public RoomGrant {
            Objects.requireNonNull(rights, "rights");
            if (!isRoomPattern(pattern)) {
                throw new IllegalArgumentException("invalid room pattern '" + shown(pattern) + "'");
            }
        }

        boolean matches(String room) {
            return Capabilities.matches(pattern, room);
        }
    }

    public Capabilities {
        rooms = List.copyOf(rooms);
        direct = List.copyOf(direct);
        if (rooms.size() > MAX_PATTERNS || direct.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException("at most " + MAX_PATTERNS + " room and " + MAX_PATTERNS
                    + " user patterns");
        }
        for (String pattern : direct) {
            if (!isUserPattern(pattern)) {
                throw new IllegalArgumentException("invalid user pattern '" + shown(pattern) + "'");
            }
        }
        if (compactLength(rooms, direct) > MAX_COMPACT_LENGTH) {
            throw new IllegalArgumentException("capabilities exceed " + MAX_COMPACT_LENGTH + " characters");
        }
    }

    /** Everything the room patterns grant on {@code room}, together. */
    public Rights rightsIn(String room) {
        Rights rights = Rights.NONE;
        for (RoomGrant grant : rooms) {
            if (grant.matches(room)) {
                rights = rights.union(grant.rights());
            }
        }
        return rights;
    }

    /** Whether a user pattern matches {@code user}. */
    public boolean mayDirect(String user) {
        for (String pattern : direct) {
            if (matches(pattern, user)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the two claims of a verified token as a JSON library hands them over: the room claim an object of
     * pattern to a list of action names, the user claim a list of patterns; either may also be a string holding
     * that JSON (some identity providers can only add string claims), and either may be absent (null).
     *
     * @throws IllegalArgumentException naming what is wrong: the token is to be refused
     */
    public static Capabilities fromClaims(Object roomsClaim, Object directClaim) {
        List<RoomGrant> rooms = new ArrayList<>();
        Object roomsValue = roomsClaim instanceof String text ? parseJson(text) : roomsClaim;
        if (roomsValue instanceof Map<?, ?> map) {
            if (map.size() > MAX_PATTERNS) {
                throw new IllegalArgumentException("at most " + MAX_PATTERNS + " room patterns");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String pattern)) {
                    throw new IllegalArgumentException("room patterns must be strings");
                }
                rooms.add(new RoomGrant(pattern, actions(pattern, entry.getValue())));
            }
        } else if (roomsValue != null) {
            throw new IllegalArgumentException("the room capability claim must be an object of pattern to actions");
        }
        List<String> direct = new ArrayList<>();
        Object directValue = directClaim instanceof String text && text.startsWith("[") ? parseJson(text)
                : directClaim;
        if (directValue instanceof String single) {
            direct.add(single);
        } else if (directValue instanceof Collection<?> list) {
            if (list.size() > MAX_PATTERNS) {
                throw new IllegalArgumentException("at most " + MAX_PATTERNS + " user patterns");
            }
            for (Object pattern : list) {
                if (!(pattern instanceof String text)) {
                    throw new IllegalArgumentException("user patterns must be strings");
                }
                direct.add(text);
            }
        } else if (directValue != null) {
            throw new IllegalArgumentException("the direct capability claim must be a list of user patterns");
        }
        return new Capabilities(rooms, direct);
    }

    private static Rights actions(String pattern, Object value) {
        if (!(value instanceof Collection<?> names) || names.isEmpty()) {
            throw new IllegalArgumentException("room pattern '" + shown(pattern) + "' needs a list of actions");
        }
        EnumSet<RoomAction> actions = EnumSet.noneOf(RoomAction.class);
        for (Object name : names) {
            RoomAction action = name instanceof String text ? RoomAction.byClaimName(text).orElse(null) : null;
            if (action == null) {
                throw new IllegalArgumentException("unknown action for room pattern '" + shown(pattern)
                        + "': expected join, history, presence or send");
            }
            actions.add(action);
        }
        return new Rights(actions);
    }

    /** The compact form: {@code pattern=codes;pattern=codes|userpattern,userpattern}. */
    public String compact() {
        StringBuilder out = new StringBuilder();
        for (RoomGrant grant : rooms) {
            if (!out.isEmpty()) {
                out.append(';');
            }
            out.append(grant.pattern()).append('=').append(grant.rights().code());
        }
        out.append(PARTS);
        for (int i = 0; i < direct.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(escape(direct.get(i)));
        }
        return out.toString();
    }

    /**
     * Reads the compact form back. Anything that does not read exactly is an error, never a smaller or larger grant.
     *
     * @throws IllegalArgumentException when {@code compact} is not the output of {@link #compact()}
     */
    public static Capabilities fromCompact(String compact) {
        if (compact.length() > MAX_COMPACT_LENGTH) {
            throw new IllegalArgumentException("capabilities exceed " + MAX_COMPACT_LENGTH + " characters");
        }
        int parts = compact.indexOf(PARTS);
        if (parts < 0) {
            throw new IllegalArgumentException("not compact capabilities");
        }
        List<RoomGrant> rooms = new ArrayList<>();
        String roomPart = compact.substring(0, parts);
        if (!roomPart.isEmpty()) {
            for (String entry : roomPart.split(";", -1)) {
                int equals = entry.lastIndexOf('=');
                if (equals < 0) {
                    throw new IllegalArgumentException("not compact capabilities");
                }
                rooms.add(new RoomGrant(entry.substring(0, equals), Rights.fromCode(entry.substring(equals + 1))));
            }
        }
        List<String> direct = new ArrayList<>();
        String directPart = compact.substring(parts + 1);
        if (!directPart.isEmpty()) {
            for (String pattern : directPart.split(",", -1)) {
                direct.add(unescape(pattern));
            }
        }
        return new Capabilities(rooms, direct);
    }

    private static boolean matches(String pattern, String name) {
        int last = pattern.length() - 1;
        return pattern.charAt(last) == WILDCARD ? name.startsWith(pattern.substring(0, last)) : name.equals(pattern);
    }

    private static boolean isRoomPattern(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return false;
        }
        if (pattern.equals("*")) {
            return true;
        }
        String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        return Limits.isValidRoom(name);
    }

    private static boolean isUserPattern(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return false;
        }
        if (pattern.equals("*")) {
            return true;
        }
        String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        return Limits.isValidUser(name);
    }

    private static int compactLength(List<RoomGrant> rooms, List<String> direct) {
        int length = PARTS.length();
        for (RoomGrant grant : rooms) {
            length += grant.pattern().length() + grant.rights().code().length() + 2;
        }
        for (String pattern : direct) {
            length += escape(pattern).length() + 1;
        }
        return length;
    }

    /** User ids may contain {@code ,} and {@code %}; room patterns cannot contain {@code = ; |}. */
    private static String escape(String pattern) {
        return pattern.replace("%", "%25").replace(",", "%2C");
    }

    private static String unescape(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (pattern.startsWith("%25", i)) {
                out.append('%');
                i += 2;
            } else if (pattern.startsWith("%2C", i)) {
                out.append(',');
                i += 2;
            } else {
                throw new IllegalArgumentException("not compact capabilities");
            }
        }
        return out.toString();
    }

    private static String shown(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** Reads a JSON object or array of strings (a claim that arrived as a string) into maps and lists. */
    private static Object parseJson(String text) {
        if (text.length() > MAX_COMPACT_LENGTH * 4) {
            throw new IllegalArgumentException("capability claim is too long");
        }
        try (JsonParser p = JSON.createParser(text)) {
            Object value = readValue(p, p.nextToken(), 0);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("capability claim has trailing content");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("capability claim is not valid JSON");
        }
    }

    private static Object readValue(JsonParser p, JsonToken token, int depth) throws IOException {
        if (token == null || depth > 2) {
            throw new IllegalArgumentException("capability claim is not an object of lists of strings");
        }
        switch (token) {
            case VALUE_STRING -> {
                return p.getText();
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                    list.add(readValue(p, item, depth + 1));
                }
                return list;
            }
            case START_OBJECT -> {
                Map<String, Object> map = new java.util.LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (map.put(name, readValue(p, p.nextToken(), depth + 1)) != null) {
                        throw new IllegalArgumentException("capability claim repeats a pattern");
                    }
                }
                return map;
            }
            default -> throw new IllegalArgumentException("capability claim is not an object of lists of strings");
        }
    }
}
