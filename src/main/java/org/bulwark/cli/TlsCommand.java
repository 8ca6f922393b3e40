package org.bulwark.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bulwark.tls.SelfSignedCertificate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark tls ...}: certificate chores. */
@Command(name = "tls", description = "TLS certificate tools.", subcommands = TlsCommand.SelfSigned.class)
final class TlsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code bulwark tls selfsigned --host mail.example.no [--days N] [--rsa 4096|--ec]}: what the
     * guides do with {@code openssl req -new -x509 -days N -nodes -newkey rsa:4096}.
     */
    @Command(name = "selfsigned", description = "Write a private key (mode 0600) and a self-signed certificate.")
    static final class SelfSigned implements Callable<Integer> {

        @Option(names = "--host", required = true, description = "the server's host name (CN and subjectAltName)")
        String host;

        @Option(names = "--days", defaultValue = "3650", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @ArgGroup(exclusive = true)
        KeyChoice key;

        @Option(names = "--key", description = "the key file (default: HOST.key)")
        Path keyFile;

        @Option(names = "--cert", description = "the certificate file (default: HOST.crt)")
        Path certFile;

        static final class KeyChoice {
            @Option(names = "--rsa", paramLabel = "BITS", description = "an RSA key of BITS (default 4096)")
            Integer rsa;

            @Option(names = "--ec", description = "an ECDSA P-256 key instead of RSA")
            boolean ec;
        }

        @Override
        public Integer call() throws Exception {
            if (days < 1) {
                throw new IllegalArgumentException(DaemonTexts.badDays(days));
            }
            SelfSignedCertificate.KeyType type = key != null && key.ec ? new SelfSignedCertificate.KeyType.Ec()
                    : new SelfSignedCertificate.KeyType.Rsa(key != null && key.rsa != null ? key.rsa : 4096);
            if (type instanceof SelfSignedCertificate.KeyType.Rsa rsa && (rsa.bits() < 2048 || rsa.bits() > 16384)) {
                throw new IllegalArgumentException(DaemonTexts.badRsaSize(rsa.bits()));
            }
            Path keyPath = (keyFile != null ? keyFile : Path.of(host + ".key")).toAbsolutePath();
            Path certPath = (certFile != null ? certFile : Path.of(host + ".crt")).toAbsolutePath();
            SelfSignedCertificate.write(host, days, type, keyPath, certPath);
            System.out.println(DaemonTexts.certificateWritten(keyPath, certPath));
            return 0;
        }
    }
}
