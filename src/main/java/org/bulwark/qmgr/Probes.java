package org.bulwark.qmgr;

import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.verify.AddressVerifier;
import org.bulwark.verify.VerifyStatus;

/**
 * Address verification probes in the queue manager: routed with the address_verify_* overrides,
 * and each agent's result handed to verify(8) instead of being delivered, deferred or bounced, as
 * Postfix's sent(), defer_append() and bounce_append() do for DEL_REQ_FLAG_MTA_VRFY. A probe
 * recipient is done after one attempt, whatever it found, and no notice is ever sent for it.
 *
 * @param verifier the verify service the results go to
 * @param resolver the probes' routing
 */
record Probes(AddressVerifier verifier, Routing resolver) {

    /** main.cf with the probe routing parameters in place of the ones mail uses. */
    static Config routing(Config config) {
        return config.with(Map.of(
                "relayhost", config.get("address_verify_relayhost"),
                "transport_maps", config.get("address_verify_transport_maps"),
                "local_transport", config.get("address_verify_local_transport"),
                "virtual_transport", config.get("address_verify_virtual_transport"),
                "relay_transport", config.get("address_verify_relay_transport"),
                "default_transport", config.get("address_verify_default_transport"),
                "sender_dependent_relayhost_maps", config.get("address_verify_sender_dependent_relayhost_maps"),
                "sender_dependent_default_transport_maps",
                config.get("address_verify_sender_dependent_default_transport_maps")));
    }

    /**
     * Hands one result to the verify service, under the address smtpd asked about (the queue
     * file's recipient) and, when the agent delivered to another, that one too, as Postfix's
     * verify_append does; returns the log's status word. Without a verify service (master.cf lost
     * it since the probe was queued) the result is logged and dropped.
     */
    static String record(Probes probes, Outcome outcome, QmgrLog log) {
        VerifyStatus status = switch (outcome.status()) {
            case SENT -> VerifyStatus.OK;
            case DEFERRED -> VerifyStatus.DEFER;
            case BOUNCED -> VerifyStatus.BOUNCE;
        };
        if (probes == null) {
            return status.logName();
        }
        MailAddress queued = outcome.target().recipient().recipient().address();
        try {
            String word = probes.verifier().update(queued, status, outcome.text());
            if (!outcome.target().address().equals(queued)) {
                probes.verifier().update(outcome.target().address(), status, outcome.text());
            }
            return word;
        } catch (RuntimeException e) {
            log.warning(QmgrLog.verifyServiceFailure("verify") + ": " + e.getMessage());
            return status.logName();
        }
    }
}
