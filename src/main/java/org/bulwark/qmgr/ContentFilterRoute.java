package org.bulwark.qmgr;

import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.rewrite.Resolution;

/**
 * Where a message with a content filter goes (Postfix's qmgr, FILTER_README): every recipient to
 * the filter's transport and nexthop, unresolved, so aliases and transport_maps apply only when
 * the filtered message comes back. A filter without a nexthop ({@code scan} or {@code scan:})
 * uses default_filter_nexthop, or else the recipient's domain, or else myhostname.
 */
final class ContentFilterRoute {

    private final String defaultNexthop;
    private final String myhostname;

    private ContentFilterRoute(String defaultNexthop, String myhostname) {
        this.defaultNexthop = defaultNexthop;
        this.myhostname = myhostname;
    }

    static ContentFilterRoute of(Config config) {
        return new ContentFilterRoute(config.get("default_filter_nexthop").strip(), config.get("myhostname").strip());
    }

    /** The route of {@code recipient} through {@code filter} ({@code transport[:nexthop]}). */
    Resolution route(String filter, MailAddress recipient) {
        int colon = filter.indexOf(':');
        String transport = colon < 0 ? filter : filter.substring(0, colon);
        String nexthop = colon < 0 ? "" : filter.substring(colon + 1);
        if (nexthop.isEmpty()) {
            nexthop = !defaultNexthop.isEmpty() ? defaultNexthop
                    : recipient.domain() != null && !recipient.domain().isEmpty() ? recipient.domain() : myhostname;
        }
        return new Resolution(transport, nexthop, recipient);
    }
}
