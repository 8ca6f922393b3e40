package org.bulwark.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;

/**
 * A mail provider's relay for the smarthost tests: smtp.provider.test with its own certificate, the
 * login relay@example.test / s3cret, and carol@remote.test's mailbox. Configured, not started: each
 * test starts it with the submission services it needs.
 */
final class ProviderRelay {

    private ProviderRelay() {
    }

    static MailSystemFixture configured(Path dir) throws Exception {
        MailSystemFixture provider = new MailSystemFixture(dir.resolve("smarthost"));
        Path[] tls = OpensslCertificates.make(Files.createDirectories(dir.resolve("tls")), "smarthost",
                KeyForm.RSA_PKCS8, "smtp.provider.test");
        Path passwd = provider.conf.resolve("sasl-passwd");
        Files.writeString(passwd, "relay@example.test:{PLAIN}s3cret\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(provider.conf.resolve("vmailbox"), "carol@remote.test   example.test/carol/\n");
        return provider.set("myhostname", "smtp.provider.test")
                .set("virtual_mailbox_domains", "remote.test")
                .set("mynetworks", "127.0.0.9/32")
                .set("smtpd_tls_cert_file", tls[1].toString())
                .set("smtpd_tls_key_file", tls[0].toString())
                .set("smtpd_sasl_type", "builtin")
                .set("smtpd_sasl_path", "sasl-passwd");
    }
}
