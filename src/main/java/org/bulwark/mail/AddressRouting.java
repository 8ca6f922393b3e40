package org.bulwark.mail;

import java.util.function.Predicate;

/**
 * Postfix's trivial-rewrite rule for routing inside the local part: which address mail for an
 * envelope recipient really goes to, and whether the sender chose the route. Pure: the caller says
 * which domains are local ({@code mydestination} and the machine's own addresses).
 *
 * <p>For an address in a local domain the domain is stripped and the local part looked at again:
 * {@code a!b} becomes {@code b@a} (swap_bangpath), the last {@code %} becomes {@code @}
 * (allow_percent_hack), and an {@code @} that was quoted in the local part splits off a new domain
 * (resolve_dequoted_address); this repeats while the new domain is local too. An address in any
 * other domain whose local part still holds {@code @}, {@code %} or {@code !} carries
 * sender-specified routing, which {@code allow_untrusted_routing = no} refuses to relay: a backup
 * MX would otherwise forward {@code user%elsewhere@relayed.example} to a third party.
 */
public final class AddressRouting {

    /** Guards against addresses built to loop, like Postfix's resolver loop limit. */
    private static final int MAX_ROUNDS = 100;

    /**
     * Where an address leads.
     *
     * @param address the effective address (for a local user, its original local domain is kept)
     * @param routed  the local part of a non-local address holds routing operators
     */
    public record Resolved(MailAddress address, boolean routed) { }

    /** The trivial-rewrite settings that shape local-part routing. */
    public record Options(boolean swapBangpath, boolean percentHack, boolean resolveDequoted) {
        /** Postfix's defaults: all three enabled. */
        public static final Options DEFAULTS = new Options(true, true, true);
    }

    private AddressRouting() {
    }

    public static Resolved resolve(MailAddress address, Predicate<String> isLocalDomain, Options options) {
        MailAddress current = address;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (!current.isQualified()) {
                return new Resolved(current, false);
            }
            if (!isLocalDomain.test(current.domainKey())) {
                return new Resolved(current, hasRoutingOperator(current.localPart(), options));
            }
            String rerouted = reroute(current.localPart(), options);
            if (rerouted == null) {
                return new Resolved(current, false);
            }
            current = MailAddress.of(rerouted);
        }
        return new Resolved(current, true);
    }

    /** The local part rewritten to user@domain form, or null when it holds no route to follow. */
    private static String reroute(String local, Options options) {
        if (options.resolveDequoted() && local.indexOf('@') >= 0) {
            return local;
        }
        if (local.indexOf('@') >= 0) {
            return null;
        }
        int bang = local.indexOf('!');
        if (options.swapBangpath() && bang > 0 && bang < local.length() - 1) {
            return local.substring(bang + 1) + "@" + local.substring(0, bang);
        }
        int percent = local.lastIndexOf('%');
        if (options.percentHack() && percent > 0 && percent < local.length() - 1) {
            return local.substring(0, percent) + "@" + local.substring(percent + 1);
        }
        return null;
    }

    private static boolean hasRoutingOperator(String local, Options options) {
        return local.indexOf('%') >= 0 || local.indexOf('!') >= 0
                || options.resolveDequoted() && local.indexOf('@') >= 0;
    }
}
