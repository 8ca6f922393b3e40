package org.bulwark.system;

import java.util.function.Consumer;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The DNS the guides' checks meet, one test DNS server per test class: the two block lists they
 * name, the sender and HELO names of their telnet tests, and a remote domain with an MX. A test
 * class registers it and adds only the names it needs beyond these:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GuideZone zone = new GuideZone(dns -> dns.servfail("broken.example"));
 * }</pre>
 */
final class GuideZone implements BeforeAllCallback, AfterAllCallback {

    /** Listed in zen.spamhaus.org, with Spamhaus's TXT. */
    static final String LISTED_IN_ZEN = "127.0.0.10";
    /** Listed in bl.spamcop.net. */
    static final String LISTED_IN_SPAMCOP = "127.0.0.11";

    private final Consumer<TestDnsServer> additions;
    private TestDnsServer dns;

    GuideZone() {
        this(dns -> { });
    }

    /** @param additions the test class's own names, added after the shared ones */
    GuideZone(Consumer<TestDnsServer> additions) {
        this.additions = additions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dns = TestDnsServer.start()
                .addA("10.0.0.127.zen.spamhaus.org", "127.0.0.2")
                .addTxt("10.0.0.127.zen.spamhaus.org", "https://www.spamhaus.org/query/ip/127.0.0.10")
                .addA("11.0.0.127.bl.spamcop.net", "127.0.0.2")
                .addA("test.com", "192.0.2.80")
                .addMx("remote.example", 10, "mx.remote.example")
                .addA("mx.remote.example", "192.0.2.25")
                .addA("mail.remote.example", "192.0.2.10");
        additions.accept(dns);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (dns != null) {
            dns.close();
            dns = null;
        }
    }

    TestDnsServer server() {
        return dns;
    }

    /** {@code 127.0.0.1:port}, as a {@code dns_servers} item. */
    String address() {
        return dns.address();
    }
}
