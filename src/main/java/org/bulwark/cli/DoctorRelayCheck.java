package org.bulwark.cli;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.config.InetService;
import org.bulwark.config.ServiceEntry;
import org.bulwark.table.NetworkList;
import org.bulwark.util.IpAddresses;

/**
 * The open-relay self-test: a client outside {@code mynetworks} asks the first inet smtpd service
 * (port 25 in the usual master.cf) to take mail for a domain that is not ours. An accepted RCPT
 * means anyone may send through this server. The client is this host itself, connecting from one
 * of its addresses that mynetworks does not match; when it has none (a loopback-only machine with
 * {@code mynetworks = 127.0.0.0/8}), the check says so and how to make it from outside, rather
 * than pretending to a result.
 */
final class DoctorRelayCheck {

    /** All of 127.0.0.0/8 reaches the loopback interface on Linux, so this address needs no setup. */
    private static final InetAddress SECOND_LOOPBACK = address(new byte[] {127, 0, 0, 2});

    private DoctorRelayCheck() {
    }

    /** The smtpd service the probe talks to, with its effective configuration (main.cf and its -o). */
    record Listener(InetService inet, Config config) {
    }

    /** The first inet smtpd service that speaks plain SMTP first (not smtps's wrapper mode). */
    static Optional<Listener> listener(Config main, List<ServiceEntry> services) {
        for (ServiceEntry service : services) {
            if (!service.type().equals("inet") || !service.command().equals("smtpd")) {
                continue;
            }
            Optional<InetService> inet = InetService.parse(service.service());
            Config config = main.with(service.overrides());
            if (inet.isPresent() && !config.get("smtpd_tls_wrappermode").trim().equalsIgnoreCase("yes")) {
                return Optional.of(new Listener(inet.get(), config));
            }
        }
        return Optional.empty();
    }

    /**
     * The addresses this host can connect from: its interfaces' addresses (link-local ones need a
     * scope and reach nothing here), those that are not loopback first, as a remote client's would
     * be, then 127.0.0.2.
     */
    static List<InetAddress> hostSources() {
        List<InetAddress> outward = new ArrayList<>();
        List<InetAddress> loopback = new ArrayList<>();
        for (InetAddress address : DoctorHostChecks.localAddresses()) {
            if (!address.isLinkLocalAddress() && !address.isMulticastAddress() && !address.isAnyLocalAddress()) {
                (address.isLoopbackAddress() ? loopback : outward).add(address);
            }
        }
        if (!loopback.contains(SECOND_LOOPBACK)) {
            loopback.add(SECOND_LOOPBACK);
        }
        outward.addAll(loopback);
        return outward;
    }

    /**
     * Probes from the first of {@code sources} that mynetworks does not match and that can reach the
     * listener; reports "not checked" when there is none.
     */
    static void relay(DoctorRun run, Listener listener, List<InetAddress> sources) {
        NetworkList mynetworks = NetworkList.parse(listener.config().list("mynetworks"),
                listener.config().configDirectory());
        int port = listener.inet().port();
        List<InetAddress> inside = new ArrayList<>();
        for (InetAddress source : sources) {
            InetSocketAddress target = target(listener, source);
            if (target == null) {
                continue;
            }
            if (mynetworks.matches(source)) {
                inside.add(source);
                continue;
            }
            String name = DoctorTexts.relayName(port, IpAddresses.format(source));
            try {
                String reply = RelayProbe.probe(source, target, run.myhostname);
                run.add(name, !reply.startsWith("2"), DoctorTexts.relayReply(RelayProbe.RECIPIENT, reply), "");
            } catch (IOException e) {
                run.add(name, false, DoctorTexts.relayUnreachable(target, e.getMessage()), "");
            }
            return;
        }
        run.notChecked(DoctorTexts.relayName(port, DoctorTexts.outsideClient()),
                DoctorTexts.relayNotChecked(inside, run.myhostname, port, RelayProbe.RECIPIENT));
    }

    /**
     * Where a client at {@code source} reaches the listener: the service's own address, or with
     * inet_interfaces = all the source itself (the host's public address toward its own public
     * listener), or an inet_interfaces address of the source's family; null when none fits.
     */
    static InetSocketAddress target(Listener listener, InetAddress source) {
        int port = listener.inet().port();
        String host = listener.inet().host();
        if (!host.isEmpty() && !host.equals("*")) {
            InetAddress address = literal(host);
            return address != null && sameFamily(address, source) ? new InetSocketAddress(address, port) : null;
        }
        List<String> protocols = listener.config().list("inet_protocols");
        boolean ipv4Only = !protocols.isEmpty() && protocols.stream().allMatch(p -> p.equalsIgnoreCase("ipv4"));
        if (ipv4Only && !(source instanceof Inet4Address)) {
            return null;
        }
        InetAddress sameFamily = null;
        for (String iface : listener.config().list("inet_interfaces")) {
            InetAddress address = switch (iface.toLowerCase(Locale.ROOT)) {
                case "all" -> source;
                case "loopback-only", "localhost" -> address(new byte[] {127, 0, 0, 1});
                default -> literal(iface);
            };
            if (address != null && address.equals(source)) {
                return new InetSocketAddress(source, port);
            }
            if (address != null && sameFamily == null && sameFamily(address, source)) {
                sameFamily = address;
            }
        }
        return sameFamily == null ? null : new InetSocketAddress(sameFamily, port);
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return (a instanceof Inet4Address) == (b instanceof Inet4Address);
    }

    private static InetAddress literal(String text) {
        return DoctorHostChecks.literal(text).stream().findFirst().orElse(null);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address length: " + bytes.length, e);
        }
    }
}
