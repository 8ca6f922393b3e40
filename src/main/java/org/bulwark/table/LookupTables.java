package org.bulwark.table;

import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.bulwark.mail.MailAddress;
import java.util.Optional;

/** Opens lookup tables by their Postfix names ({@code type:name}). */
public final class LookupTables {

    private LookupTables() {
    }

    /**
     * Opens {@code type:name}: texthash, hash/btree/lmdb (read from the text source), cidr, pcre,
     * regexp, inline:{...}, static:value, unix:passwd.byname; a {@code proxy:} prefix is accepted
     * and ignored. Relative file names are resolved against {@code configDirectory}.
     *
     * @throws ConfigException for an unknown type, a missing file or a bad line (with file:line)
     */
    public static LookupTable open(String spec, Path configDirectory) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Opens an alias table whose source is in aliases(5) format ({@code name: a, b, :include:/f}). */
    public static LookupTable openAliases(String spec, Path configDirectory) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Looks an address up the way access(5) and virtual(5) do: {@code user@domain}, then
     * {@code user@} , then {@code @domain} (domain lower-cased).
     */
    public static Optional<String> findAddress(LookupTable table, MailAddress address) {
        throw new UnsupportedOperationException("not built yet");
    }
}
