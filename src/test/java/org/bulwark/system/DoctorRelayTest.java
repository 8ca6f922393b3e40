package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bulwark.cli.Bulwark;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark doctor}'s open-relay self-test against a running system, from 127.0.0.2. */
class DoctorRelayTest {

    @TempDir
    Path root;

    private String doctor(MailSystemFixture system) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // Other checks fail against the empty test DNS: exit status 1.
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "doctor")).isEqualTo(1);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aClosedRelayPasses() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start(); MailSystemFixture system = new MailSystemFixture(root)) {
            system.set("dns_servers", dns.address()).start();
            assertThat(doctor(system)).contains("✓ not an open relay: 127.0.0.2 may not send through port "
                    + system.port() + " to others: RCPT TO:<relay-test@relay-test.example.com> answered 554 5.7.1");
        }
    }

    @Test
    void anOpenRelayIsFound() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start(); MailSystemFixture system = new MailSystemFixture(root)) {
            // The classic mistake: all of 127.0.0.0/8, or a provider's whole range, in mynetworks.
            system.set("dns_servers", dns.address()).set("mynetworks", "127.0.0.0/8").start();
            assertThat(doctor(system)).contains("✗ not an open relay: 127.0.0.2 may not send through port "
                    + system.port() + " to others: RCPT TO:<relay-test@relay-test.example.com> answered 250");
        }
    }
}
