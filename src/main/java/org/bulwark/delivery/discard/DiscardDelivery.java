package org.bulwark.delivery.discard;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.DeliveryRequest.Target;

/**
 * Postfix's discard(8): pretends to deliver every recipient and logs the nexthop as the reason
 * ({@code status=sent (example.com)} for {@code example.com discard:} in transport_maps, which takes
 * the recipient's domain as nexthop). The reason may start with an RFC 3463 code, which becomes
 * the {@code dsn=} field; without one it is 2.0.0.
 */
public final class DiscardDelivery implements DeliveryAgent {

    private static final Pattern DSN_PREFIX = Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})\\s+(.*)", Pattern.DOTALL);
    private static final String RELAY = "none";

    private final String transport;

    /** @param transport the master.cf service name, {@code discard} in Postfix's stock master.cf */
    public DiscardDelivery(String transport) {
        this.transport = transport;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public DeliveryReport deliver(DeliveryRequest request) {
        String reason = request.nexthop().strip();
        String dsn = "2.0.0";
        Matcher coded = DSN_PREFIX.matcher(reason);
        if (coded.matches()) {
            dsn = coded.group(1);
            reason = coded.group(2);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Target target : request.targets()) {
            outcomes.add(new Outcome(target, Status.SENT, RELAY, dsn, reason));
        }
        return new DeliveryReport(outcomes);
    }
}
