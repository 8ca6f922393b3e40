package org.bulwark.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.bulwark.delivery.smtp.MtaStsPolicy;
import org.bulwark.delivery.smtp.tlsrpt.PolicyRecord;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.MxHost;
import org.bulwark.tls.HttpsRequest;

/**
 * The recommended records that make senders insist on TLS (MTA-STS, RFC 8461) and report its
 * failures (TLS-RPT, RFC 8460), and the MTA-STS policy file fetched as a sender fetches it. Advice:
 * a missing or broken one does not fail the run.
 */
final class DoctorTransportRecords {

    /** RFC 8461 §3.3: senders may refuse a policy larger than 64 KiB; a slow one they give up on. */
    static final int POLICY_MAX_BYTES = 64 * 1024;
    static final Duration POLICY_TIMEOUT = Duration.ofSeconds(10);
    /** A week: RFC 8461 §3.2 allows up to a year; a week lets a mistake age out soon. */
    static final long MAX_AGE = 604800;

    private DoctorTransportRecords() {
    }

    /** RFC 8461 §3.1: {@code v=STSv1; id=} with 1 to 32 letters and digits; then the policy it announces. */
    static void mtaSts(DoctorRun run, String domain) {
        String name = "_mta-sts." + domain;
        String record = run.txtStartingWith(name, "v=STSv1");
        String id = record == null ? null : tag(record, "id");
        boolean valid = id != null && id.matches("[A-Za-z0-9]{1,32}");
        run.advise(DoctorTexts.mtaStsName(name), valid,
                record == null ? DoctorTexts.mtaStsMissing(domain) : valid ? record : DoctorTexts.mtaStsInvalid(record),
                DoctorTexts.mtaStsRecord(domain, run.clock.instant()));
        policy(run, domain, record != null);
    }

    /**
     * RFC 8461 §3.3: the policy at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}, fetched
     * over HTTPS with a valid certificate for that name, without following redirects, within size
     * and time limits; then its MX patterns against the domain's MX hosts, and its mode.
     */
    private static void policy(DoctorRun run, String domain, boolean announced) {
        String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
        List<String> mxHosts = mxHosts(run, domain);
        String publish = DoctorTexts.mtaStsPolicy(url, mxHosts, MAX_AGE, DoctorTexts.mtaStsRecord(domain, run.clock.instant()));
        String check = DoctorTexts.mtaStsPolicyName(url);
        if (!announced) {
            run.advise(check, false, DoctorTexts.mtaStsPolicyNotFetched(), publish);
            return;
        }
        String text;
        try {
            text = fetch(run, "mta-sts." + domain);
        } catch (IOException e) {
            run.advise(check, false, e.getMessage(), publish);
            return;
        }
        // Read by the parser the SMTP client applies, so the doctor finds what a sender would refuse.
        MtaStsPolicy policy;
        try {
            policy = MtaStsPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            run.advise(check, false, DoctorTexts.mtaStsPolicyInvalid(List.of(e.getMessage())), publish);
            return;
        }
        String mode = policy.mode().name().toLowerCase(Locale.ROOT);
        run.advise(check, true, DoctorTexts.mtaStsPolicySummary(mode, policy.maxAge(), policy.mx()), "");
        List<String> unmatched = mxHosts.stream().filter(h -> !policy.matches(h)).toList();
        run.advise(DoctorTexts.mtaStsMxName(domain), unmatched.isEmpty(),
                unmatched.isEmpty() ? DoctorTexts.mxHostsList(mxHosts) : DoctorTexts.mtaStsMxUnmatched(unmatched),
                publish);
        run.advise(DoctorTexts.mtaStsModeName(), policy.mode() == MtaStsPolicy.Mode.ENFORCE,
                DoctorTexts.mtaStsMode(mode), publish);
    }

    /** The policy file's text, or why it could not be had as a sender would have it. */
    private static String fetch(DoctorRun run, String host) throws IOException {
        DnsResult<InetAddress> addresses = run.dns.lookupAddresses(host);
        if (!addresses.isFound()) {
            throw new IOException(DoctorTexts.notFound(addresses));
        }
        HttpsRequest.Response answer;
        try {
            answer = HttpsRequest.trustingAlso(run.config.get("smtp_tls_CAfile"))
                    .send("GET", new HttpsRequest.Target(host, run.httpsPort, "/.well-known/mta-sts.txt"),
                            addresses.values(), null, null, POLICY_TIMEOUT, POLICY_MAX_BYTES);
        } catch (IOException e) {
            throw new IOException(DoctorTexts.fetchFailed(String.valueOf(e.getMessage())), e);
        }
        if (answer.status() / 100 == 3) {
            throw new IOException(DoctorTexts.redirected(answer.status(), answer.location()));
        }
        if (answer.status() != 200) {
            throw new IOException(DoctorTexts.httpStatus(answer.status()));
        }
        if (!answer.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain")) {
            throw new IOException(DoctorTexts.notTextPlain(answer.contentType()));
        }
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    /** The domain's MX hosts, or this host when it has none (what the policy should list). */
    private static List<String> mxHosts(DoctorRun run, String domain) {
        List<String> hosts = run.dns.lookupMx(domain).values().stream().map(MxHost::host)
                .map(h -> h.toLowerCase(Locale.ROOT)).distinct().toList();
        return hosts.isEmpty() ? List.of(run.myhostname) : hosts;
    }

    /** RFC 8460 §3: exactly one {@code v=TLSRPTv1} record, whose rua= lists mailto: or https: addresses. */
    static void tlsRpt(DoctorRun run, String domain) {
        String name = PolicyRecord.name(domain);
        PolicyRecord.Lookup lookup = PolicyRecord.from(run.dns.lookupTxt(name));
        boolean valid = false;
        String detail;
        switch (lookup) {
            case PolicyRecord.Lookup.Found found -> {
                valid = !found.destinations().isEmpty()
                        && found.destinations().stream().allMatch(u -> u.isMailto() || u.isHttps());
                detail = valid ? found.record() : DoctorTexts.tlsRptInvalid(found.record());
            }
            case PolicyRecord.Lookup.None none -> detail = none.why().startsWith("no ") ? DoctorTexts.missing()
                    : DoctorTexts.tlsRptTooMany(none.why());
            case PolicyRecord.Lookup.TryLater later -> detail = later.why();
        }
        run.advise(DoctorTexts.tlsRptName(name), valid, detail, DoctorTexts.tlsRptRecord(domain));
    }

    /**
     * A field's value in these records' {@code key=value; ...} syntax (RFC 8461 §3.1), white space removed.
     */
    private static String tag(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s", "");
            }
        }
        return null;
    }
}
