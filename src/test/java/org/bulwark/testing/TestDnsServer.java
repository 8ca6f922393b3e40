package org.bulwark.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server on 127.0.0.1 (UDP and TCP on the same ephemeral port, or on an
 * address and port given) that serves the records a test adds. Unknown names get NXDOMAIN, known
 * names without records of the asked type get NODATA (with an SOA record for negative caching
 * once {@link #negativeTtl} is set); a name can be made to answer SERVFAIL, or nothing at all (a
 * timeout).
 * UDP answers larger than 512 bytes are truncated (TC), so clients retry over TCP (RFC 1035 §4.2.1).
 * Names in a {@link #sign signed} zone are answered as a validating resolver answers secure data:
 * with the AD bit, when the query asked for DNSSEC (DO or AD set, RFC 6840 §5.7).
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.addA("mail.example.com", "192.0.2.10");
 *     DnsResolver resolver = DnsResolver.create(List.of(dns.address()));
 * }
 * }</pre>
 */
public final class TestDnsServer implements AutoCloseable {

    private static final long TTL = 300;
    private static final int UDP_LIMIT = 512;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Name, List<Record>> records = new HashMap<>();
    private final Set<Name> servfail = new HashSet<>();
    private final Set<Name> silent = new HashSet<>();
    private final Set<Name> silentWhenEmpty = new HashSet<>();
    private final Set<Name> signedZones = new HashSet<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final List<String> questions = new ArrayList<>();
    private volatile long negativeTtl = -1;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Starts a server on an ephemeral port of 127.0.0.1. */
    public static TestDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            ServerSocket tcp = new ServerSocket();
            try {
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
            } catch (BindException e) {
                udp.close();
                tcp.close();
                if (attempt >= 20) {
                    throw e;
                }
                continue;
            }
            return serve(udp, tcp);
        }
    }

    /**
     * Starts a server on a given address and port, UDP and TCP: port 53 of a loopback address of
     * its own for a peer whose resolver knows only resolv.conf's {@code nameserver} lines, which
     * name no port. A BindException says something else has that address and port.
     */
    public static TestDnsServer start(InetAddress address, int port) throws IOException {
        DatagramSocket udp = new DatagramSocket(null);
        ServerSocket tcp = new ServerSocket();
        try {
            udp.bind(new InetSocketAddress(address, port));
            tcp.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            udp.close();
            tcp.close();
            throw e;
        }
        return serve(udp, tcp);
    }

    private static TestDnsServer serve(DatagramSocket udp, ServerSocket tcp) {
        TestDnsServer server = new TestDnsServer(udp, tcp);
        server.threads.add(Thread.ofVirtual().name("test-dns-udp").start(server::serveUdp));
        server.threads.add(Thread.ofVirtual().name("test-dns-tcp").start(server::serveTcp));
        return server;
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** The address it listens on, {@code 127.0.0.1} unless started on another: a resolv.conf nameserver. */
    public String host() {
        return udp.getLocalAddress().getHostAddress();
    }

    /** {@code host:port} ({@code 127.0.0.1:port} unless started on another address), as a {@code dns_servers} item. */
    public String address() {
        return host() + ":" + port();
    }

    /**
     * The questions asked so far, in order, as {@code name type} ({@code _dmarc.example.com. TXT}):
     * what a peer looked up, and that it asked here.
     */
    public List<String> questions() {
        lock.lock();
        try {
            return List.copyOf(questions);
        } finally {
            lock.unlock();
        }
    }

    /** How many queries arrived (UDP and TCP), including those answered with silence. */
    public int queryCount() {
        return queries.get();
    }

    public TestDnsServer add(Record record) {
        lock.lock();
        try {
            records.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(record);
        } finally {
            lock.unlock();
        }
        return this;
    }

    public TestDnsServer addA(String name, String address) {
        return addA(name, address, TTL);
    }

    public TestDnsServer addA(String name, String address, long ttl) {
        return add(new ARecord(name(name), DClass.IN, ttl, literal(address)));
    }

    public TestDnsServer addNs(String domain, String host) {
        return add(new NSRecord(name(domain), DClass.IN, TTL, name(host)));
    }

    /** A TLSA record (RFC 6698 §2.1) such as {@code _25._tcp.mx.example.com 3 1 1 <sha-256>}. */
    public TestDnsServer addTlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        return add(new TLSARecord(name(name), DClass.IN, TTL, usage, selector, matchingType, data));
    }

    /** Removes every record of the name, so that it answers NXDOMAIN again. */
    public TestDnsServer remove(String name) {
        lock.lock();
        try {
            records.remove(name(name));
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * From now on, NXDOMAIN and NODATA answers carry an SOA record whose TTL and MINIMUM are
     * {@code seconds}: how long a resolver may remember the absence (RFC 2308 §3).
     */
    public TestDnsServer negativeTtl(long seconds) {
        negativeTtl = seconds;
        return this;
    }

    public TestDnsServer addAaaa(String name, String address) {
        return add(new AAAARecord(name(name), DClass.IN, TTL, literal(address)));
    }

    /** A PTR record for the reverse name of {@code address} pointing at {@code host}. */
    public TestDnsServer addPtr(String address, String host) {
        return add(new PTRRecord(ReverseMap.fromAddress(literal(address)), DClass.IN, TTL, name(host)));
    }

    public TestDnsServer addMx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
    }

    public TestDnsServer addCname(String alias, String target) {
        return add(new CNAMERecord(name(alias), DClass.IN, TTL, name(target)));
    }

    public TestDnsServer addTxt(String name, String... strings) {
        return add(new TXTRecord(name(name), DClass.IN, TTL, List.of(strings)));
    }

    /** Every query for this name is answered with SERVFAIL. */
    public TestDnsServer servfail(String name) {
        lock.lock();
        try {
            servfail.add(name(name));
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * Answers for this name and every name below it carry the AD bit when the query sets DO or
     * AD, as a validating resolver's answers for a DNSSEC-signed zone do. SERVFAIL never does.
     */
    public TestDnsServer sign(String zone) {
        lock.lock();
        try {
            signedZones.add(name(zone));
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Every query for this name goes unanswered, as if the server timed out. */
    public TestDnsServer silence(String name) {
        lock.lock();
        try {
            silent.add(name(name));
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * Queries for this name that would find no records of the asked type go unanswered (the
     * OpenSPF suite's TIMEOUT); queries that find records are answered.
     */
    public TestDnsServer silenceWhenEmpty(String name) {
        lock.lock();
        try {
            silentWhenEmpty.add(name(name));
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** The reverse-lookup name of an address, e.g. for {@link #servfail} of a PTR query. */
    public static String reverseName(String address) {
        return ReverseMap.fromAddress(literal(address)).toString();
    }

    /** Stops answering and frees the port; the same as {@link #close}. */
    public void stop() {
        close();
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // Closing is best effort; the threads end when their sockets do.
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                Message response = answer(query);
                if (response != null) {
                    byte[] wire = response.toWire(UDP_LIMIT);
                    udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
                }
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // A malformed packet: drop it, as a real server would.
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> serveConnection(socket));
        }
    }

    /** RFC 1035 §4.2.2: each message is preceded by its two-byte length. */
    private void serveConnection(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                Message response = answer(query);
                if (response == null) {
                    continue;
                }
                byte[] wire = response.toWire();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (IOException e) {
            // The client closed the connection.
        }
    }

    /** The response, or null for silence. */
    private Message answer(byte[] wire) throws IOException {
        Message query = new Message(wire);
        queries.incrementAndGet();
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        lock.lock();
        try {
            Name name = question.getName();
            questions.add(name + " " + Type.string(question.getType()));
            if (silent.contains(name)) {
                return null;
            }
            if (servfail.contains(name)) {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return response;
            }
            List<Record> known = records.get(name);
            if (silentWhenEmpty.contains(name) && (known == null
                    || known.stream().noneMatch(r -> r.getType() == question.getType()))) {
                return null;
            }
            if (signed(name) && asksForDnssec(query)) {
                response.getHeader().setFlag(Flags.AD);
            }
            if (known == null) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
                addSoa(response, name);
                return response;
            }
            addAnswers(response, name, question.getType(), 0);
            if (response.getSection(Section.ANSWER).isEmpty()) {
                addSoa(response, name);
            }
            return response;
        } finally {
            lock.unlock();
        }
    }

    private boolean signed(Name name) {
        return signedZones.stream().anyMatch(name::subdomain);
    }

    private static boolean asksForDnssec(Message query) {
        return query.getHeader().getFlag(Flags.AD)
                || query.getOPT() != null && (query.getOPT().getFlags() & ExtendedFlags.DO) != 0;
    }

    private void addSoa(Message response, Name name) {
        long ttl = negativeTtl;
        if (ttl < 0) {
            return;
        }
        Name zone = name.labels() > 2 ? new Name(name, name.labels() - 3) : name;
        response.addRecord(new SOARecord(zone, DClass.IN, ttl, name("ns." + zone), name("hostmaster." + zone),
                1, 3600, 600, 86400, ttl), Section.AUTHORITY);
    }

    /** The records of the type, or a CNAME and then its target's records (RFC 1034 §4.3.2). */
    private void addAnswers(Message response, Name name, int type, int depth) {
        List<Record> known = records.getOrDefault(name, List.of());
        boolean any = false;
        for (Record r : known) {
            if (r.getType() == type) {
                response.addRecord(r, Section.ANSWER);
                any = true;
            }
        }
        if (any || type == Type.CNAME || depth > 8) {
            return;
        }
        for (Record r : known) {
            if (r instanceof CNAMERecord alias) {
                response.addRecord(alias, Section.ANSWER);
                addAnswers(response, alias.getTarget(), type, depth + 1);
                return;
            }
        }
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad DNS name: " + text, e);
        }
    }

    private static InetAddress literal(String address) {
        byte[] bytes = org.bulwark.util.Cidr.literalBytes(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
