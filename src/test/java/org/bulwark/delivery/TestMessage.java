package org.bulwark.delivery;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;

/** A queued message held in memory, standing in for a queue file. */
public record TestMessage(Envelope envelope, byte[] content) implements QueuedMessage {

    public static TestMessage of(String sender, String content, String... recipients) {
        List<Recipient> list = new ArrayList<>();
        for (String r : recipients) {
            list.add(Recipient.of(MailAddress.of(r)));
        }
        return new TestMessage(Envelope.of(MailAddress.of(sender), list, ClientInfo.local("root")),
                content.getBytes(StandardCharsets.UTF_8));
    }

    /** An address verification probe from the double-bounce sender to {@code recipient}. */
    public static TestMessage probe(String recipient) {
        return new TestMessage(Envelope.probe(MailAddress.of("double-bounce@example.com"),
                Recipient.of(MailAddress.of(recipient)), java.time.Instant.now(), ClientInfo.local("MAILER-DAEMON")),
                new byte[0]);
    }

    /** A request for every recipient, each delivered to its own address. */
    public DeliveryRequest request(String nexthop) {
        List<DeliveryRequest.Target> targets = new ArrayList<>();
        for (RecipientState state : recipients()) {
            targets.add(new DeliveryRequest.Target(state, state.recipient().address()));
        }
        return new DeliveryRequest(this, nexthop, targets);
    }

    @Override
    public QueueId id() {
        return new QueueId("ABCDEF1234");
    }

    @Override
    public QueueName queue() {
        return QueueName.ACTIVE;
    }

    @Override
    public List<RecipientState> recipients() {
        List<RecipientState> states = new ArrayList<>();
        for (int i = 0; i < envelope.recipients().size(); i++) {
            states.add(new RecipientState(i, envelope.recipients().get(i), false));
        }
        return states;
    }

    @Override
    public InputStream openContent() {
        return new ByteArrayInputStream(content);
    }

    @Override
    public long contentSize() {
        return content.length;
    }

    @Override
    public int attempts() {
        return 0;
    }

    @Override
    public Instant nextAttempt() {
        return envelope.arrival();
    }

    @Override
    public String deferReason() {
        return null;
    }
}
