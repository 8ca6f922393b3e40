package org.bulwark.restrict;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.MxHost;
import org.bulwark.table.LookupTable;

/**
 * check_{client,reverse_client_hostname,helo,sender,recipient}_{mx,ns,a}_access: look up the
 * servers a name leads to (its MX hosts, its name servers, or its own addresses) and ask an access
 * table about each server's name, parent domains, address and parent networks, as Postfix's
 * check_server_access does.
 */
final class ServerAccess {

    /** Which servers: MX hosts (or the name itself without MX, RFC 5321 §5.1), NS hosts, or A/AAAA. */
    enum Type {
        MX,
        NS,
        A
    }

    /** Whose name leads to the servers. */
    enum Target {
        CLIENT("client"),
        REVERSE_CLIENT("reverse_client_hostname"),
        HELO("helo"),
        SENDER("sender"),
        RECIPIENT("recipient");

        final String word;

        Target(String word) {
            this.word = word;
        }
    }

    /** Postfix stops after this many servers, so that a hostile zone cannot make a check endless. */
    private static final int MAX_SERVERS = 100;

    private ServerAccess() {
    }

    static Decision check(Evaluation e, Type type, Target target, LookupTable table) {
        SmtpdContext context = e.context();
        String domain = domain(context, target);
        if (domain == null) {
            return Decision.DUNNO;
        }
        Subject subject = subject(context, target);
        DnsResolver dns = e.environment().dns();
        DnsResult<String> servers = switch (type) {
            case MX -> mxHosts(dns, domain);
            case NS -> nameServers(dns, domain);
            case A -> new DnsResult.Found<>(List.of(domain));
        };
        if (servers.isTemporaryFailure()) {
            return e.deferIfPermit(RestrictTexts.serverLookupFailed(subject, type.name(), domain));
        }
        int count = 0;
        for (String server : servers.values()) {
            if (++count > MAX_SERVERS) {
                break;
            }
            if (type != Type.A) {
                Optional<Decision> byName = AccessCheck.hostName(e, table, server, subject);
                if (byName.isPresent() && !(byName.get() instanceof Decision.Dunno)) {
                    return byName.get();
                }
            }
            for (InetAddress address : dns.lookupAddresses(server).values()) {
                Optional<Decision> byAddress = AccessCheck.hostAddress(e, table, address, subject);
                if (byAddress.isPresent() && !(byAddress.get() instanceof Decision.Dunno)) {
                    return byAddress.get();
                }
            }
        }
        return Decision.DUNNO;
    }

    private static DnsResult<String> mxHosts(DnsResolver dns, String domain) {
        DnsResult<MxHost> mx = dns.lookupMx(domain);
        if (mx.isFound()) {
            return new DnsResult.Found<>(mx.values().stream().map(MxHost::host).filter(h -> !h.isEmpty()).toList());
        }
        return mx.isTemporaryFailure() ? mx.map(MxHost::host) : new DnsResult.Found<>(List.of(domain));
    }

    /** A name without NS records of its own is served by its parent's (Postfix walks up too). */
    private static DnsResult<String> nameServers(DnsResolver dns, String domain) {
        String name = domain;
        while (true) {
            DnsResult<String> ns = dns.lookupNs(name);
            if (ns.isFound() || ns.isTemporaryFailure()) {
                return ns;
            }
            int dot = name.indexOf('.');
            if (dot < 0 || name.indexOf('.', dot + 1) < 0) {
                return new DnsResult.Found<>(new ArrayList<>());
            }
            name = name.substring(dot + 1);
        }
    }

    private static String domain(SmtpdContext context, Target target) {
        return switch (target) {
            case CLIENT -> HostnameChecks.known(context.clientName());
            case REVERSE_CLIENT -> HostnameChecks.known(context.reverseName());
            case HELO -> HostnameChecks.heloDomain(context.helo());
            case SENDER -> HostnameChecks.domainOf(context.sender());
            case RECIPIENT -> HostnameChecks.domainOf(context.recipient());
        };
    }

    private static Subject subject(SmtpdContext context, Target target) {
        return switch (target) {
            case CLIENT, REVERSE_CLIENT -> Subject.client(context);
            case HELO -> Subject.helo(context);
            case SENDER -> Subject.sender(context);
            case RECIPIENT -> Subject.recipient(context);
        };
    }
}
