package org.bulwark.delivery.smtp;

/**
 * Where the SMTP client tells SMTP TLS Reporting (RFC 8460) how each new TLS session went: one
 * call per connection attempt, {@link #success} after a handshake that met the policy, or
 * {@link #failure} with the RFC's result-type. Only sessions to a recipient domain (not an address
 * literal) and with TLS attempted are reported. Calls never throw and never hold up a delivery: a
 * report is worth less than the mail.
 *
 * <p>{@code policyDomain} is the domain whose {@code _smtp._tls} record decides where the report
 * goes: the nexthop domain (the recipient domain, or the relay's name), in A-label form.
 * {@link #NONE} records nothing ({@code smtp_tlsrpt_enable = no}).
 */
public interface TlsSessionReports {

    // RFC 8460 §4.3 result-type values: TLS negotiation failures.
    String STARTTLS_NOT_SUPPORTED = "starttls-not-supported";
    String CERTIFICATE_HOST_MISMATCH = "certificate-host-mismatch";
    String CERTIFICATE_EXPIRED = "certificate-expired";
    String CERTIFICATE_NOT_TRUSTED = "certificate-not-trusted";
    String VALIDATION_FAILURE = "validation-failure";
    // MTA-STS failures.
    String STS_POLICY_FETCH_ERROR = "sts-policy-fetch-error";
    String STS_POLICY_INVALID = "sts-policy-invalid";
    String STS_WEBPKI_INVALID = "sts-webpki-invalid";
    // DANE failures.
    String TLSA_INVALID = "tlsa-invalid";
    String DNSSEC_INVALID = "dnssec-invalid";
    String DANE_REQUIRED = "dane-required";

    /** A TLS session to {@code mxHost} that met {@code policy}. */
    void success(String policyDomain, TlsReportPolicy policy, String mxHost);

    /**
     * A session that did not meet {@code policy}.
     *
     * @param resultType  one of the result-type constants above
     * @param receivingIp the server's address, or "" when not known (a policy that failed before connecting)
     * @param reason      a short failure-reason-code ({@code "tls-handshake-failure"}), or ""
     */
    void failure(String policyDomain, TlsReportPolicy policy, String resultType, String mxHost, String receivingIp,
                 String reason);

    /** {@link #success}, with the addresses of both ends when they are known ("" when not). */
    default void success(String policyDomain, TlsReportPolicy policy, String mxHost, String receivingIp,
                         String sendingIp) {
        success(policyDomain, policy, mxHost);
    }

    /** {@link #failure}, with the address this host sent from ("" when not known). */
    default void failure(String policyDomain, TlsReportPolicy policy, String resultType, String mxHost,
                         String receivingIp, String reason, String sendingIp) {
        failure(policyDomain, policy, resultType, mxHost, receivingIp, reason);
    }

    /** Records nothing. */
    TlsSessionReports NONE = new TlsSessionReports() {
        @Override
        public void success(String policyDomain, TlsReportPolicy policy, String mxHost) {
        }

        @Override
        public void failure(String policyDomain, TlsReportPolicy policy, String resultType, String mxHost,
                            String receivingIp, String reason) {
        }
    };
}
