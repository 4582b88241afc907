package dev.switchboard.infra;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application's own host name for the WebSocket API ({@code wss://realtime.example.com} rather than an
 * {@code execute-api} host), served by an API Gateway custom domain with TLS 1.2 at least and mapped to the stage.
 *
 * <p>The certificate comes from one of two places: an existing ACM certificate in the stack's region that covers the
 * name, or one the stack requests and validates by DNS in a Route 53 hosted zone of the application. When a zone is
 * given the stack also writes the name's alias record in it; without one, point the name at the
 * {@code CustomDomainTarget} output yourself.
 *
 * <pre>{@code
 * CustomDomain inZone = CustomDomain.inHostedZone("realtime.example.com", "Z0123456789ABCDEFGHIJ", "example.com");
 * CustomDomain ownCertificate = CustomDomain.withCertificate("realtime.example.com",
 *         "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789");
 * }</pre>
 *
 * @param domainName     the host name clients connect to, lower case
 * @param certificateArn an ACM certificate for the name, in the stack's region; none: the stack requests one in the
 *                       hosted zone
 * @param hostedZone     the Route 53 zone that holds the name: where the alias record (and, without a certificate
 *                       ARN, the certificate's validation record) goes
 */
public record CustomDomain(String domainName, Optional<String> certificateArn, Optional<HostedZone> hostedZone) {

    /** A host name: dot-separated labels of letters, digits and inner hyphens, at least two, 253 characters at most. */
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A complete ACM certificate ARN; the region is the first group. */
    private static final Pattern CERTIFICATE_ARN =
            Pattern.compile("arn:aws[a-z-]*:acm:([a-z]{2}(?:-[a-z]+)+-\\d{1,2}):\\d{12}:certificate/[A-Za-z0-9-]{1,64}");
    /** A Route 53 hosted zone id, as the console and {@code aws route53 list-hosted-zones} show it (without a path). */
    private static final Pattern ZONE_ID = Pattern.compile("Z[A-Z0-9]{1,31}");

    /**
     * A Route 53 public hosted zone the application owns.
     *
     * @param id   the zone's id, e.g. {@code Z0123456789ABCDEFGHIJ}
     * @param name the zone's domain name, e.g. {@code example.com}, lower case and without the final dot
     */
    public record HostedZone(String id, String name) {
        public HostedZone {
            if (id == null || !ZONE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_ID + " must be a Route 53"
                        + " hosted zone id such as Z0123456789ABCDEFGHIJ, was '" + id + "'");
            }
            name = hostName(ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_NAME,
                    name != null && name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }

        /** Whether {@code domainName} is the zone's own name or a name under it. */
        boolean holds(String domainName) {
            return domainName.equals(name) || domainName.endsWith("." + name);
        }
    }

    public CustomDomain {
        domainName = hostName(ContextKeys.CUSTOM_DOMAIN_NAME, domainName);
        Objects.requireNonNull(certificateArn, "certificateArn");
        Objects.requireNonNull(hostedZone, "hostedZone");
        if (certificateArn.isEmpty() && hostedZone.isEmpty()) {
            throw new IllegalArgumentException(ContextKeys.CUSTOM_DOMAIN_NAME + " needs a certificate: set "
                    + ContextKeys.CUSTOM_DOMAIN_CERTIFICATE_ARN + " (an ACM certificate for '" + domainName
                    + "' in the stack's region), or " + ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_ID + " and "
                    + ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_NAME + " (a Route 53 zone in which the stack requests one"
                    + " and writes the name's record)");
        }
        certificateArn.ifPresent(arn -> {
            if (!CERTIFICATE_ARN.matcher(arn).matches()) {
                throw new IllegalArgumentException(ContextKeys.CUSTOM_DOMAIN_CERTIFICATE_ARN + " must be an ACM"
                        + " certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), was '" + arn + "'");
            }
        });
        String name = domainName;
        hostedZone.ifPresent(zone -> {
            if (!zone.holds(name)) {
                throw new IllegalArgumentException(ContextKeys.CUSTOM_DOMAIN_NAME + " '" + name + "' is not in the"
                        + " hosted zone '" + zone.name() + "' (" + ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_NAME
                        + "): the zone cannot hold its record");
            }
        });
    }

    /** The name with an existing ACM certificate; the DNS record is yours to make (see {@code CustomDomainTarget}). */
    public static CustomDomain withCertificate(String domainName, String certificateArn) {
        return new CustomDomain(domainName, Optional.of(certificateArn), Optional.empty());
    }

    /** The name in a Route 53 zone: the stack requests a DNS-validated certificate there and writes the record. */
    public static CustomDomain inHostedZone(String domainName, String zoneId, String zoneName) {
        return new CustomDomain(domainName, Optional.empty(), Optional.of(new HostedZone(zoneId, zoneName)));
    }

    /** This domain with its alias record written in a Route 53 zone (with an existing certificate, say). */
    public CustomDomain withHostedZone(String zoneId, String zoneName) {
        return new CustomDomain(domainName, certificateArn, Optional.of(new HostedZone(zoneId, zoneName)));
    }

    /** What clients connect to: the stage is mapped at the domain's root. */
    public String webSocketUrl() {
        return "wss://" + domainName;
    }

    /** The region of the given certificate ARN, which must be the stack's: API Gateway's domains are regional. */
    Optional<String> certificateRegion() {
        return certificateArn.map(arn -> {
            Matcher matcher = CERTIFICATE_ARN.matcher(arn);
            if (!matcher.matches()) {
                throw new IllegalStateException("checked when built");
            }
            return matcher.group(1);
        });
    }

    private static String hostName(String key, String value) {
        String name = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!HOST_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(key + " must be a host name such as realtime.example.com (no scheme,"
                    + " path, port or wildcard), was '" + value + "'");
        }
        return name;
    }
}
