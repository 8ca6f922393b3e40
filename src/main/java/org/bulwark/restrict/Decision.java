package org.bulwark.restrict;

import java.util.List;
import org.bulwark.mail.SmtpReply;

/**
 * The outcome of a restriction check. {@code DUNNO} lets the list go on; the first other answer
 * ends it. At the level of a whole stage, only {@link #accepted()}, a reply to send, or a hangup
 * remain, each with the {@link MessageAction}s the stage's tables and policy servers asked for
 * (in the order they fired), which apply whether the command is accepted or not, as Postfix keeps
 * them in its session state either way.
 */
public sealed interface Decision {

    record Dunno(List<MessageAction> actions) implements Decision {
        public Dunno {
            actions = List.copyOf(actions);
        }

        public Dunno() {
            this(List.of());
        }
    }

    record Permit(List<MessageAction> actions) implements Decision {
        public Permit {
            actions = List.copyOf(actions);
        }

        public Permit() {
            this(List.of());
        }
    }

    /** A 4xx or 5xx reply to send; the command is refused. */
    record Refuse(SmtpReply reply, List<MessageAction> actions) implements Decision {
        public Refuse {
            actions = List.copyOf(actions);
        }

        public Refuse(SmtpReply reply) {
            this(reply, List.of());
        }
    }

    /**
     * access(5) HANGUP: the connection is dropped at once, without a reply (Postfix's smtpd shuts
     * the socket down and ends the session quietly). The restriction logged why. No actions: the
     * message, if any, is thrown away with the session.
     */
    record Hangup() implements Decision {
        @Override
        public List<MessageAction> actions() {
            return List.of();
        }
    }

    Decision DUNNO = new Dunno();
    Decision PERMIT = new Permit();
    Decision HANGUP = new Hangup();

    /** What the message should undergo, from actions that fired while this decision was reached. */
    List<MessageAction> actions();

    default boolean accepted() {
        return !(this instanceof Refuse || this instanceof Hangup);
    }

    /** This decision with {@code actions} attached; a hangup takes none. */
    default Decision with(List<MessageAction> actions) {
        if (actions.isEmpty()) {
            return this;
        }
        return switch (this) {
            case Dunno d -> new Dunno(actions);
            case Permit p -> new Permit(actions);
            case Refuse r -> new Refuse(r.reply(), actions);
            case Hangup h -> h;
        };
    }
}
