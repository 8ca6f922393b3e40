package org.bulwark.qmgr;

import java.util.List;
import org.bulwark.mail.MailAddress;
import org.bulwark.rewrite.Resolution;

/**
 * Where one recipient of a message goes, as trivial-rewrite answers the queue manager: the
 * recipient's resolutions, given the message's envelope sender, which
 * sender_dependent_default_transport_maps looks up.
 */
@FunctionalInterface
public interface Routing {

    List<Resolution> resolve(MailAddress recipient, MailAddress sender);
}
