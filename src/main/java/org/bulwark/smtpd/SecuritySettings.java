package org.bulwark.smtpd;

import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.log.MailLog;
import org.bulwark.sasl.SaslService;
import org.bulwark.tls.ServerTls;
import org.bulwark.tls.TlsException;
import org.bulwark.tls.TlsLevel;

/**
 * One service's TLS and SMTP AUTH: the TLS context (null without TLS), the SASL service (null
 * without AUTH) and the smtpd_tls_* and smtpd_sasl_* switches smtpd itself applies.
 */
record SecuritySettings(
        ServerTls tls,
        SaslService sasl,
        boolean wrapperMode,
        boolean requireTls,
        boolean tlsAuthOnly,
        int tlsLoglevel,
        boolean tlsReceivedHeader,
        boolean saslAuthenticatedHeader,
        boolean brokenSaslAuthClients) {

    static final SecuritySettings NONE = new SecuritySettings(null, null, false, false, false, 0, false, false, false);

    /**
     * With opportunistic TLS (level may), unusable keys cost only STARTTLS, as in Postfix: a
     * warning, and the service runs in plaintext.
     *
     * @throws ConfigException when TLS is required (encrypt, wrapper mode) but unusable
     */
    static SecuritySettings from(Config config, MailLog.Logger log) {
        boolean wrapper = config.bool("smtpd_tls_wrappermode");
        ServerTls tls;
        try {
            tls = ServerTls.forService(config);
        } catch (TlsException e) {
            if (wrapper || TlsLevel.of(config) == TlsLevel.ENCRYPT) {
                throw new ConfigException(e.getMessage());
            }
            log.warning(SmtpdTexts.tlsDisabled(e.getMessage()));
            tls = null;
        }
        if (tls != null && tls.ignoresRequiredClientCertificate()) {
            log.warning(SmtpdTexts.cannotRequireClientCertificates());
        }
        return new SecuritySettings(
                tls,
                SaslService.forService(config, log),
                wrapper,
                tls != null && tls.level() == TlsLevel.ENCRYPT && !wrapper,
                config.bool("smtpd_tls_auth_only"),
                config.integer("smtpd_tls_loglevel"),
                config.bool("smtpd_tls_received_header"),
                config.bool("smtpd_sasl_authenticated_header"),
                config.bool("broken_sasl_auth_clients"));
    }

    /** STARTTLS is offered in plaintext sessions of a service with TLS, never in wrapper mode. */
    boolean offersStartTls() {
        return tls != null && !wrapperMode;
    }
}
