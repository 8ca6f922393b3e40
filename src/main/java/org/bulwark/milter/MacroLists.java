package org.bulwark.milter;

import java.util.List;
import org.bulwark.config.Config;

/**
 * The macro names sent at each stage (milter_*_macros); a milter may replace any stage's list in
 * its negotiation reply (SMFIR_SETSYMLIST).
 */
record MacroLists(List<String> connect, List<String> helo, List<String> mail, List<String> rcpt,
        List<String> data, List<String> endOfHeaders, List<String> endOfData, List<String> unknown) {

    static MacroLists fromConfig(Config config) {
        return new MacroLists(config.list("milter_connect_macros"), config.list("milter_helo_macros"),
                config.list("milter_mail_macros"), config.list("milter_rcpt_macros"),
                config.list("milter_data_macros"), config.list("milter_end_of_header_macros"),
                config.list("milter_end_of_data_macros"), config.list("milter_unknown_command_macros"));
    }

    /**
     * This set with one stage's list replaced, by the milter's stage number (SMFIM_CONNECT 0,
     * HELO 1, ENVFROM 2, ENVRCPT 3, DATA 4, EOM 5, EOH 6); null for an unknown stage.
     */
    MacroLists with(int stage, List<String> names) {
        return switch (stage) {
            case 0 -> new MacroLists(names, helo, mail, rcpt, data, endOfHeaders, endOfData, unknown);
            case 1 -> new MacroLists(connect, names, mail, rcpt, data, endOfHeaders, endOfData, unknown);
            case 2 -> new MacroLists(connect, helo, names, rcpt, data, endOfHeaders, endOfData, unknown);
            case 3 -> new MacroLists(connect, helo, mail, names, data, endOfHeaders, endOfData, unknown);
            case 4 -> new MacroLists(connect, helo, mail, rcpt, names, endOfHeaders, endOfData, unknown);
            case 5 -> new MacroLists(connect, helo, mail, rcpt, data, endOfHeaders, names, unknown);
            case 6 -> new MacroLists(connect, helo, mail, rcpt, data, names, endOfData, unknown);
            default -> null;
        };
    }
}
