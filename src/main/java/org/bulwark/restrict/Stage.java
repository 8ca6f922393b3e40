package org.bulwark.restrict;

/** The SMTP stages that have a restriction list, in the order a session meets them. */
public enum Stage {
    CONNECT("smtpd_client_restrictions"),
    HELO("smtpd_helo_restrictions"),
    MAIL("smtpd_sender_restrictions"),
    RCPT("smtpd_recipient_restrictions"),
    DATA("smtpd_data_restrictions"),
    END_OF_DATA("smtpd_end_of_data_restrictions"),
    ETRN("smtpd_etrn_restrictions");

    private final String parameter;

    Stage(String parameter) {
        this.parameter = parameter;
    }

    /** The main.cf parameter that holds this stage's list. */
    public String parameter() {
        return parameter;
    }
}
