package org.bulwark.delivery.smtp;

/**
 * Where the SMTP client hands the outcome of each TLS session made under an MTA-STS policy, for
 * SMTP TLS Reporting (RFC 8460). The result types are RFC 8460 §4.3's ({@code
 * starttls-not-supported}, {@code certificate-host-mismatch}, {@code certificate-not-trusted},
 * {@code validation-failure}, {@code sts-policy-fetch-error}, {@code sts-policy-invalid}, {@code
 * sts-webpki-invalid}). Called from delivery threads: an implementation must be thread-safe and
 * must not block for long.
 */
public interface TlsSessionReports {

    /** Reports nothing. */
    TlsSessionReports NONE = new TlsSessionReports() {
        @Override
        public void success(String policyDomain, MtaStsPolicy policy) {
        }

        @Override
        public void failure(String policyDomain, MtaStsPolicy policy, String resultType, String mx, String reason) {
        }
    };

    /** A session to one of the domain's MX hosts met the policy. */
    void success(String policyDomain, MtaStsPolicy policy);

    /**
     * A session, or the policy itself, failed.
     *
     * @param policy the policy in force, or null when it could not be fetched or parsed
     * @param mx     the MX host concerned, or null when the failure is the policy's
     */
    void failure(String policyDomain, MtaStsPolicy policy, String resultType, String mx, String reason);
}
