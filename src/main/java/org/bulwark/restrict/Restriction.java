package org.bulwark.restrict;

import org.bulwark.table.LookupTable;

/**
 * One entry of a parsed {@code smtpd_*_restrictions} list. Evaluating it answers DUNNO (go on),
 * PERMIT (this list accepts) or a refusal; Postfix's OK/REJECT/DEFER.
 */
sealed interface Restriction {

    /**
     * @param subject       what the list being evaluated speaks about (reject, defer)
     * @param defaultAccess the access kind a bare table means in this list, or null
     */
    Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess);

    /** A restriction name as written, for the relay-check requirement and messages. */
    String name();

    record Permit() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return Decision.PERMIT;
        }

        public String name() {
            return "permit";
        }
    }

    record Reject() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.reject(RestrictTexts.accessDenied(e.settings().rejectCode(), subject));
        }

        public String name() {
            return "reject";
        }
    }

    record Defer() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.reject(RestrictTexts.tryAgainLater(e.settings().deferCode(), subject));
        }

        public String name() {
            return "defer";
        }
    }

    /** Makes the next restriction only log what it would have refused. */
    record WarnIfReject() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return Decision.DUNNO;
        }

        public String name() {
            return "warn_if_reject";
        }
    }

    /** At the end of the stage, a permit becomes {@code 450 4.7.0 ... defer_if_permit requested}. */
    record DeferIfPermit() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.deferIfPermit(RestrictTexts.deferIfPermitRequested(subject));
        }

        public String name() {
            return "defer_if_permit";
        }
    }

    /** Any later 5xx refusal in the stage becomes {@code 450 4.7.0 ... defer_if_reject requested}. */
    record DeferIfReject() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.deferIfReject(RestrictTexts.deferIfRejectRequested(subject));
        }

        public String name() {
            return "defer_if_reject";
        }
    }

    record PermitMynetworks() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.environment().mynetworks().test(e.context().clientAddress()) ? Decision.PERMIT : Decision.DUNNO;
        }

        public String name() {
            return "permit_mynetworks";
        }
    }

    record PermitSaslAuthenticated() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            String user = e.context().saslUsername();
            return user != null && !user.isEmpty() ? Decision.PERMIT : Decision.DUNNO;
        }

        public String name() {
            return "permit_sasl_authenticated";
        }
    }

    /** reject_unauth_destination, or with {@code defer} its 4xx twin defer_unauth_destination. */
    record RejectUnauthDestination(boolean defer) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            if (e.context().recipient() == null || e.destinations().authorized(e.context().recipient())) {
                return Decision.DUNNO;
            }
            int code = e.settings().relayCode() - (defer ? 100 : 0);
            return e.reject(RestrictTexts.relayAccessDenied(code, defer ? "4.7.1" : "5.7.1",
                    Subject.name(e.context().recipient())));
        }

        public String name() {
            return defer ? "defer_unauth_destination" : "reject_unauth_destination";
        }
    }

    record PermitAuthDestination() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.context().recipient() != null && e.destinations().authorized(e.context().recipient())
                    ? Decision.PERMIT : Decision.DUNNO;
        }

        public String name() {
            return "permit_auth_destination";
        }
    }

    record RejectUnauthPipelining() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.context().pipelinedEarly() ? e.reject(RestrictTexts.improperPipelining(subject)) : Decision.DUNNO;
        }

        public String name() {
            return "reject_unauth_pipelining";
        }
    }

    /** reject_invalid_helo_hostname; {@code name} keeps the spelling used (old: reject_invalid_hostname). */
    record RejectInvalidHeloHostname(String name) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return HostnameChecks.invalidHelo(e);
        }
    }

    /** reject_non_fqdn_helo_hostname (old: reject_non_fqdn_hostname). */
    record RejectNonFqdnHeloHostname(String name) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return HostnameChecks.nonFqdnHelo(e);
        }
    }

    record RejectNonFqdnSender() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            var sender = e.context().givenSender();
            if (sender == null || sender.isNullSender()) {
                return Decision.DUNNO;
            }
            return HostnameChecks.nonFqdnAddress(e, sender, Subject.sender(e.context()));
        }

        public String name() {
            return "reject_non_fqdn_sender";
        }
    }

    record RejectNonFqdnRecipient() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            var recipient = e.context().givenRecipient();
            return recipient == null ? Decision.DUNNO
                    : HostnameChecks.nonFqdnAddress(e, recipient, Subject.recipient(e.context()));
        }

        public String name() {
            return "reject_non_fqdn_recipient";
        }
    }

    /** reject_unlisted_recipient (old: check_recipient_maps). */
    record RejectUnlistedRecipient(String name) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            var recipient = e.context().givenRecipient();
            return recipient == null ? Decision.DUNNO : e.unlistedRecipient();
        }
    }

    record RejectUnlistedSender() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            var sender = e.context().sender();
            return sender == null || sender.isNullSender() ? Decision.DUNNO : e.unlistedSender();
        }

        public String name() {
            return "reject_unlisted_sender";
        }
    }

    record RejectMultiRecipientBounce() implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            var sender = e.context().sender();
            int already = e.stage() == Stage.RCPT ? 0 : 1;
            if (sender != null && sender.isNullSender() && e.context().recipientCount() > already) {
                return e.reject(RestrictTexts.multiRecipientBounce(e.settings().multiRecipientBounceCode(), subject));
            }
            return Decision.DUNNO;
        }

        public String name() {
            return "reject_multi_recipient_bounce";
        }
    }

    /** reject_unverified_recipient, or without {@code recipient} reject_unverified_sender: asks verify(8). */
    record RejectUnverified(boolean recipient) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            SmtpdContext c = e.context();
            var address = recipient ? c.recipient() : c.sender();
            if (address == null || address.isNullSender()) {
                return Decision.DUNNO;
            }
            return VerifyCheck.check(e, address, recipient ? Subject.recipient(c) : Subject.sender(c), recipient);
        }

        public String name() {
            return recipient ? "reject_unverified_recipient" : "reject_unverified_sender";
        }
    }

    /** check_client_access, check_helo_access, check_sender_access, check_recipient_access, check_etrn_access. */
    record CheckAccess(AccessKind kind, LookupTable table) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return AccessCheck.check(e, kind, table);
        }

        public String name() {
            return kind.restrictionName();
        }
    }

    /** A bare {@code type:table}: the access check of whichever list it is evaluated in. */
    record ImplicitAccess(LookupTable table) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            if (defaultAccess == null) {
                e.warn(RestrictTexts.implicitTableWithoutDefault(subject.replyClass(), table.spec()));
                return e.serverError();
            }
            return AccessCheck.check(e, defaultAccess, table);
        }

        public String name() {
            return table.spec();
        }
    }

    /** reject_sender_login_mismatch and its authenticated/unauthenticated/known variants. */
    record SenderLoginMismatch(String name, boolean checkAuthenticated, boolean checkUnauthenticated,
            boolean allowUnknownSender) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.senderLogins().check(e, this);
        }
    }

    /** reject_unknown_client_hostname (old: reject_unknown_client) and reject_unknown_reverse_client_hostname. */
    record RejectUnknownClient(String name, boolean reverse) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return DnsChecks.unknownClient(e, reverse);
        }
    }

    /** reject_unknown_helo_hostname (old: reject_unknown_hostname). */
    record RejectUnknownHelo(String name) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return DnsChecks.unknownHelo(e);
        }
    }

    /** reject_unknown_sender_domain, or with {@code recipient} reject_unknown_recipient_domain. */
    record RejectUnknownDomain(boolean recipient) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            SmtpdContext c = e.context();
            return recipient ? DnsChecks.unknownDomain(e, c.recipient(), Subject.recipient(c))
                    : DnsChecks.unknownDomain(e, c.sender(), Subject.sender(c));
        }

        public String name() {
            return recipient ? "reject_unknown_recipient_domain" : "reject_unknown_sender_domain";
        }
    }

    /** reject_rbl_client, reject_rhsbl_*, permit_dnswl_client, permit_rhswl_client. */
    record DnsList(String name, DnsLists.Target target, boolean permit, DnsLists.ListSpec list)
            implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return DnsLists.check(e, subject, target, permit, list);
        }
    }

    /** check_*_mx_access, check_*_ns_access, check_*_a_access. */
    record CheckServerAccess(String name, ServerAccess.Type type, ServerAccess.Target target, LookupTable table)
            implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return ServerAccess.check(e, type, target, table);
        }
    }

    /** A name from smtpd_restriction_classes: its own list, evaluated in place. */
    record RestrictionClass(String name) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.runClass(name, subject, defaultAccess);
        }
    }

    /** check_policy_service: a policy server's (or a built-in policy's) action, as access(5). */
    record CheckPolicyService(PolicyCheck check) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return check.evaluate(e, subject);
        }

        public String name() {
            return "check_policy_service";
        }
    }

    /** permit_tls_clientcerts, or with {@code all} permit_tls_all_clientcerts. */
    record PermitTlsClientcerts(boolean all) implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.engine().clientCertificates.permit(e, all, name());
        }

        public String name() {
            return all ? "permit_tls_all_clientcerts" : "permit_tls_clientcerts";
        }
    }

    /** check_ccert_access: access(5) by certificate, then public key, fingerprint (or the given order). */
    record CheckCcertAccess(LookupTable table, java.util.List<ClientCertificateChecks.Key> order)
            implements Restriction {
        public Decision evaluate(Evaluation e, Subject subject, AccessKind defaultAccess) {
            return e.engine().clientCertificates.access(e, table, order);
        }

        public String name() {
            return "check_ccert_access";
        }
    }
}
