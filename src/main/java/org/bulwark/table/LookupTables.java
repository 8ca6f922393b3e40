package org.bulwark.table;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.ConfigException;
import org.bulwark.mail.MailAddress;

/** Opens lookup tables by their Postfix names ({@code type:name}). */
public final class LookupTables {

    private static final Path PASSWD = Path.of("/etc/passwd");

    /** Every table type {@link #open} knows, as {@code postconf -m} lists them. */
    public static final List<String> TYPES = List.of("btree", "cdb", "cidr", "dbm", "hash", "inline",
            "lmdb", "pcre", "proxy", "regexp", "sdbm", "static", "texthash", "unix");

    private LookupTables() {
    }

    /**
     * Opens {@code type:name}: texthash, hash/btree/lmdb/dbm/cdb/sdbm (read from the text source,
     * no postmap step), cidr, pcre, regexp, inline:{...}, static:value, unix:passwd.byname; a
     * {@code proxy:} prefix is accepted and ignored. Relative file names are resolved against
     * {@code configDirectory}. The file is read once, here; a reload opens the table again.
     *
     * @throws ConfigException for an unknown type, a missing file or a bad line (with file:line)
     */
    public static LookupTable open(String spec, Path configDirectory) {
        return open(spec, configDirectory, false);
    }

    /**
     * Opens an alias table ({@code alias_maps}, {@code alias_database}): indexed types read their
     * source in aliases(5) format ({@code name: a, b, :include:/f}); the value is the raw target
     * list. Other types (static, inline, pcre, ...) open as {@link #open} does.
     */
    public static LookupTable openAliases(String spec, Path configDirectory) {
        return open(spec, configDirectory, true);
    }

    private static LookupTable open(String spec, Path configDirectory, boolean aliases) {
        String s = spec.strip();
        while (s.regionMatches(true, 0, "proxy:", 0, 6)) {
            s = s.substring(6);
        }
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw TableTexts.badSpec(spec);
        }
        String type = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String name = s.substring(colon + 1);
        String label = spec.strip();
        return switch (type) {
            case "texthash", "hash", "btree", "lmdb", "dbm", "cdb", "sdbm" -> aliases
                    ? AliasesSource.read(label, file(name, configDirectory, spec))
                    : MapTable.readPostmapSource(label, file(name, configDirectory, spec));
            case "cidr" -> CidrTable.read(label, file(name, configDirectory, spec));
            case "pcre" -> RegexpTable.read(label, file(name, configDirectory, spec), true);
            case "regexp" -> RegexpTable.read(label, file(name, configDirectory, spec), false);
            case "inline" -> InlineTable.parse(label, name);
            case "static" -> new StaticTable(label, staticValue(label, name));
            case "unix" -> {
                if (!name.equals("passwd.byname")) {
                    throw TableTexts.unknownPasswdMap(spec);
                }
                yield AliasesSource.readPasswd(label, PASSWD);
            }
            default -> throw TableTexts.unknownType(type, spec);
        };
    }

    private static Path file(String name, Path configDirectory, String spec) {
        if (name.isBlank()) {
            throw TableTexts.badSpec(spec);
        }
        return configDirectory.resolve(name.strip());
    }

    private static String staticValue(String spec, String name) {
        String v = name.strip();
        return v.startsWith("{") ? InlineTable.unbrace(spec, v) : v;
    }

    /**
     * Looks an address up the way virtual(5) does: {@code user@domain}, then {@code @domain}
     * (domain lower-cased). An unqualified address is looked up as its local part alone.
     */
    public static Optional<String> findAddress(LookupTable table, MailAddress address) {
        if (!address.isQualified()) {
            return table.find(address.localPart());
        }
        String domain = address.domainKey();
        Optional<String> full = table.find(address.localPart() + "@" + domain);
        return full.isPresent() ? full : table.find("@" + domain);
    }

    /**
     * Looks an address up the way access(5) does with Postfix's default
     * {@code parent_domain_matches_subdomains} (which lists smtpd_access_maps): {@code user@domain},
     * {@code domain}, each parent domain, then {@code user@}.
     */
    public static Optional<String> findAccess(LookupTable table, MailAddress address) {
        return findAccess(table, address, true);
    }

    /**
     * access(5) order: {@code user@domain}, {@code domain}, the parent domains ({@code example.com}
     * for {@code mail.example.com} when {@code parentMatchesSubdomains}, else {@code .example.com}),
     * then {@code user@}. The null sender is looked up as {@code <>}, as smtpd_null_access_lookup_key
     * says by default.
     */
    public static Optional<String> findAccess(LookupTable table, MailAddress address, boolean parentMatchesSubdomains) {
        if (address.isNullSender()) {
            return table.find("<>");
        }
        if (!address.isQualified()) {
            Optional<String> user = table.find(address.localPart());
            return user.isPresent() ? user : table.find(address.localPart() + "@");
        }
        String domain = address.domainKey();
        Optional<String> found = table.find(address.localPart() + "@" + domain);
        if (found.isPresent()) {
            return found;
        }
        found = findDomain(table, domain, parentMatchesSubdomains);
        return found.isPresent() ? found : table.find(address.localPart() + "@");
    }

    /**
     * A domain and its parents, as check_domain_access does: {@code a.b.c}, then {@code b.c} and
     * {@code c} (or {@code .b.c} and {@code .c} when parents do not match subdomains).
     */
    public static Optional<String> findDomain(LookupTable table, String domain, boolean parentMatchesSubdomains) {
        String name = domain.toLowerCase(Locale.ROOT);
        Optional<String> found = table.find(name);
        int dot = name.indexOf('.');
        while (found.isEmpty() && dot >= 0 && dot + 1 < name.length()) {
            found = table.find(parentMatchesSubdomains ? name.substring(dot + 1) : name.substring(dot));
            dot = name.indexOf('.', dot + 1);
        }
        return found;
    }

    /**
     * Looks a client address up the way check_client_access does (access(5) "net.work.addr.ess"):
     * the address, then its prefixes cut at the last {@code .} (IPv4) or {@code :} (IPv6, compressed
     * form, so {@code 2001:db8::1} tries {@code 2001:db8::1}, {@code 2001:db8:}, {@code 2001:db8},
     * {@code 2001}, as Postfix does).
     */
    public static Optional<String> findNetworkAddress(LookupTable table, InetAddress address) {
        String text = NetworkList.addressText(address);
        char delimiter = text.indexOf(':') >= 0 ? ':' : '.';
        while (true) {
            Optional<String> found = table.find(text);
            int cut = text.lastIndexOf(delimiter);
            if (found.isPresent() || cut <= 0) {
                return found;
            }
            text = text.substring(0, cut);
        }
    }
}
