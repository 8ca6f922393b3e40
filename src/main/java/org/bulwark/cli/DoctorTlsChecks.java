package org.bulwark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bulwark.config.SecretFiles;

/** smtpd's certificate as senders see it (its names, its validity) and its key's file mode. */
final class DoctorTlsChecks {

    /**
     * Certificates closer than this to expiry are reported: Let's Encrypt renews at 30 days left, so
     * a certificate inside the window means renewal is not happening.
     */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private DoctorTlsChecks() {
    }

    static void tls(DoctorRun run) {
        String certFile = run.config.get("smtpd_tls_cert_file");
        if (certFile.isBlank()) {
            run.add(DoctorTexts.tlsName(), false, DoctorTexts.noCertificate(), "");
            return;
        }
        try (InputStream in = Files.newInputStream(Path.of(certFile))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            Set<String> names = certificateNames(cert);
            boolean named = names.stream().anyMatch(n -> matchesHost(n, run.myhostname));
            run.add(DoctorTexts.certNameName(run.myhostname), named, String.join(", ", names), "");
            Instant notBefore = cert.getNotBefore().toInstant();
            Instant notAfter = cert.getNotAfter().toInstant();
            Instant now = run.clock.instant();
            boolean fresh = notAfter.isAfter(now.plus(EXPIRY_WARNING)) && !notBefore.isAfter(now);
            run.add(DoctorTexts.certExpiryName(), fresh, DoctorTexts.validity(notBefore, notAfter, now), "");
        } catch (IOException | java.security.GeneralSecurityException e) {
            run.add(DoctorTexts.tlsName(), false, DoctorTexts.unreadableCertificate(certFile, e.getMessage()), "");
        }
        String keyFile = run.config.get("smtpd_tls_key_file");
        if (!keyFile.isBlank()) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(Path.of(keyFile));
                run.add(DoctorTexts.keyModeName(keyFile), SecretFiles.isPrivate(permissions), PosixFilePermissions.toString(permissions), "");
            } catch (IOException | UnsupportedOperationException e) {
                run.add(DoctorTexts.keyModeName(keyFile), false, e.getMessage(), "");
            }
        }
    }

    static Set<String> certificateNames(X509Certificate cert) throws java.security.cert.CertificateParsingException {
        Set<String> names = new LinkedHashSet<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(san.get(0))) { // dNSName, RFC 5280 §4.2.1.6
                    names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            String subject = cert.getSubjectX500Principal().getName();
            for (String part : subject.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** RFC 6125 §6.4.3: a wildcard stands for exactly one leftmost label. */
    static boolean matchesHost(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(host);
    }
}
