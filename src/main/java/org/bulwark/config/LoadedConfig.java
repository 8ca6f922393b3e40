package org.bulwark.config;

import java.util.List;

/** main.cf and master.cf as read from one configuration directory, with the warnings to log. */
public record LoadedConfig(Config main, List<ServiceEntry> services, List<String> warnings) {

    public LoadedConfig {
        services = List.copyOf(services);
        warnings = List.copyOf(warnings);
    }
}
