package org.bulwark.milter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;

/**
 * The milters of one parameter (smtpd_milters or non_smtpd_milters), parsed once per configuration
 * load, from which each SMTP session (or each locally posted message) opens its own
 * {@link MilterSession}. Immutable and shared.
 */
public final class Milters {

    private final List<MilterSpec> specs;
    private final MacroLists macros;
    private final String myhostname;
    private final String daemonName;
    private final String v;
    private final Path spillDirectory;
    private final Map<String, String> macroDefaults;
    private final Duration reuseLimit;

    Milters(List<MilterSpec> specs, MacroLists macros, String myhostname, String daemonName, String v,
            Path spillDirectory, Map<String, String> macroDefaults, Duration reuseLimit) {
        this.macroDefaults = macroDefaults;
        this.reuseLimit = reuseLimit;
        this.specs = List.copyOf(specs);
        this.macros = macros;
        this.myhostname = myhostname;
        this.daemonName = daemonName;
        this.v = v;
        this.spillDirectory = spillDirectory;
    }

    /**
     * The milters a parameter names, with the milter_* settings of this configuration.
     *
     * @param parameter smtpd_milters or non_smtpd_milters
     * @throws IllegalArgumentException with the reason, for a malformed milter entry or setting
     */
    public static Milters fromConfig(Config config, String parameter) {
        List<MilterSpec> specs = MilterSpec.fromConfig(config, parameter);
        return new Milters(specs, MacroLists.fromConfig(config), config.get("myhostname"),
                // $mail_version is not a parameter of ours, so the default {v} would end in a space.
                config.get("milter_macro_daemon_name"), config.get("milter_macro_v").strip(),
                Path.of(System.getProperty("java.io.tmpdir")), MacroDefaults.parse(config.get("milter_macro_defaults")),
                config.time("milter_connection_cache_time_limit"));
    }

    /** These milters, with replacement bodies over 256 KiB spilled to files in this directory. */
    public Milters spillingTo(Path directory) {
        return new Milters(specs, macros, myhostname, daemonName, v, directory, macroDefaults, reuseLimit);
    }

    public List<MilterSpec> specs() {
        return specs;
    }

    public boolean isEmpty() {
        return specs.isEmpty();
    }

    /**
     * A session with every milter, not yet connected: {@link MilterSession#connect} connects and
     * negotiates. Log lines go to {@code log} (the caller's program: smtpd or cleanup).
     */
    public MilterSession open(MailLog.Logger log) {
        List<Milter> milters = new ArrayList<>(specs.size());
        for (MilterSpec spec : specs) {
            milters.add(new Milter(spec, macros, log, spillDirectory, reuseLimit));
        }
        return new MilterSession(milters, new MacroValues(myhostname, daemonName, v, macroDefaults));
    }
}
