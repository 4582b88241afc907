package dev.switchboard.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for application routes: actions an application adds beside {@link Route}'s, each served by the
 * application's own function. A name is refused when it could be mistaken for one of Switchboard's routes, so the
 * stack, the local runtime and the handler all check names here.
 *
 * <pre>{@code
 * ApplicationRoutes.problem("typing");   // empty: a valid name
 * ApplicationRoutes.problem("send");     // "'send' is one of Switchboard's own routes"
 * }</pre>
 */
public final class ApplicationRoutes {

    /** What a name may be: a letter, then up to 63 letters, digits, {@code _} or {@code -}. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /** The version of the event an application route's function receives; it changes only incompatibly. */
    public static final String EVENT_VERSION = "1";

    /**
     * Most characters of an application's own error code, as its error answer gives it; the code is carried in the
     * {@code error} frame's message.
     */
    public static final int MAX_ERROR_CODE_LENGTH = 64;

    /** Most characters of an application's (or a hook's) message or reason passed on to the client. */
    public static final int MAX_REASON_LENGTH = 256;

    private ApplicationRoutes() {
    }

    /** Why {@code name} cannot be an application route's name, or empty when it can. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("an application route needs a name");
        }
        if (name.startsWith("$")) {
            return Optional.of("'" + printable(name) + "': names starting with $ are API Gateway's");
        }
        if (Route.byKey(name).isPresent()) {
            return Optional.of("'" + name + "' is one of Switchboard's own routes");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("'" + printable(name) + "' is not a valid route name: a letter, then up to 63 letters,"
                    + " digits, _ or -");
        }
        return Optional.empty();
    }

    /**
     * The name, when it is valid.
     *
     * @throws IllegalArgumentException saying why it is not
     */
    public static String requireValid(String name) {
        problem(name).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return name;
    }

    /**
     * A text from outside (an application's message, a hook's reason) fit to show a client: control characters
     * replaced, at most {@link #MAX_REASON_LENGTH} characters.
     */
    public static String sanitized(String text) {
        String shown = text.length() > MAX_REASON_LENGTH ? text.substring(0, MAX_REASON_LENGTH) : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static String printable(String name) {
        String shown = name.length() > 70 ? name.substring(0, 70) + "..." : name;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
