package org.bulwark.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyGenerator;
import org.bulwark.mailauth.DkimKeyRecords;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark dkim}: DKIM key management. */
@Command(name = "dkim", description = "DKIM key management.", mixinStandardHelpOptions = true,
        subcommands = DkimCommand.Keygen.class)
final class DkimCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code bulwark dkim keygen -d example.no -s default [--rsa 2048 | --ed25519] [-D DIR]}: writes
     * {@code SELECTOR.private} (0600) and {@code SELECTOR.txt} and prints the TXT record, as
     * opendkim-genkey does.
     */
    @Command(name = "keygen", description = "Make a signing key and print its DNS TXT record.", mixinStandardHelpOptions = true)
    static final class Keygen implements Callable<Integer> {

        @Option(names = {"-d", "--domain"}, required = true, description = "the signing domain (d=)")
        String domain;

        @Option(names = {"-s", "--selector"}, defaultValue = "default", description = "the selector (s=), default: ${DEFAULT-VALUE}")
        String selector;

        @Option(names = {"-D", "--directory"}, defaultValue = ".", description = "where to write the files, default: the current directory")
        Path directory;

        @ArgGroup(exclusive = true)
        Kind kind;

        static final class Kind {
            @Option(names = "--rsa", paramLabel = "BITS", description = "an RSA key of 1024, 2048 or 4096 bits (the default: 2048)")
            Integer rsaBits;

            @Option(names = "--ed25519", description = "an Ed25519 key (RFC 8463)")
            boolean ed25519;
        }

        @Override
        public Integer call() throws Exception {
            boolean ed25519 = kind != null && kind.ed25519;
            int bits = kind != null && kind.rsaBits != null ? kind.rsaBits : 2048;
            KeyPair pair = DkimKeyGenerator.generate(ed25519 ? DkimAlgorithm.ED25519_SHA256 : DkimAlgorithm.RSA_SHA256, bits);
            Path key = directory.resolve(selector + ".private");
            DkimKeyGenerator.writePrivateKey(key, pair);
            String record = DkimKeyRecords.zoneEntry(selector, domain, pair.getPublic());
            Files.writeString(directory.resolve(selector + ".txt"), record + "\n", StandardCharsets.US_ASCII);
            System.out.println(record);
            System.out.println(DaemonTexts.dkimKeyWritten(key, selector, domain));
            return 0;
        }
    }
}
