package com.example.supportdesk.infra;

/**
 * The names the desk's resources take from the stack's name. The Switchboard stack is told the route and hook
 * functions by ARN, before they exist (they are created in its own scope, after it), so those functions, and the bus
 * the stack is told by name, have names fixed here.
 *
 * @param stack the stack's name, e.g. {@code SupportDesk}
 */
public record DeskNames(String stack) {

    public DeskNames {
        if (stack == null || !stack.matches("[A-Za-z][A-Za-z0-9-]{0,39}")) {
            throw new IllegalArgumentException("the stack name must be 1-40 letters, digits or '-', starting with a"
                    + " letter, was '" + stack + "'");
        }
    }

    /** The function answering the {@code typing} route. */
    public String typingFunction() {
        return stack + "-typing";
    }

    /** The function answering the {@code onJoin} hook. */
    public String ticketGateFunction() {
        return stack + "-ticket-gate";
    }

    /** The EventBridge bus Switchboard puts its events on. */
    public String bus() {
        return stack + "-events";
    }

    /** The ARN of one of the desk's functions in this account and region. */
    public static String functionArn(String account, String region, String function) {
        return "arn:" + partition(region) + ":lambda:" + region + ":" + account + ":function:" + function;
    }

    private static String partition(String region) {
        return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }
}
