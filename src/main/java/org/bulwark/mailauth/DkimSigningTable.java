package org.bulwark.mailauth;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bulwark.config.ConfigException;
import org.bulwark.config.SecretFiles;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * Which keys sign a message, in OpenDKIM's KeyTable/SigningTable style with our lookup tables:
 * the SigningTable maps a From address ({@code user@domain}, then {@code domain} and its parents)
 * to key names, the KeyTable maps a key name to {@code domain:selector:/path/to/key.pem}. Without
 * tables, one key ({@code dkim_private_key}) signs for {@code dkim_domain} and its subdomains.
 */
public final class DkimSigningTable {

    private final LookupTable signingTable;
    private final LookupTable keyTable;
    private final Path configDirectory;
    private final DkimSigningKey defaultKey;
    private final Map<String, DkimSigningKey> loaded = new LinkedHashMap<>();
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    private DkimSigningTable(LookupTable signingTable, LookupTable keyTable, Path configDirectory, DkimSigningKey defaultKey) {
        this.signingTable = signingTable;
        this.keyTable = keyTable;
        this.configDirectory = configDirectory;
        this.defaultKey = defaultKey;
    }

    /**
     * @param signingTable {@code dkim_signing_table}, "" for none
     * @param keyTable     {@code dkim_key_table}
     * @param privateKey   {@code dkim_private_key}, "" for none
     * @throws ConfigException for a key file that cannot be read, naming the parameter
     */
    public static DkimSigningTable create(String signingTable, String keyTable, String privateKey, String domain,
                                          String selector, Path configDirectory) {
        DkimSigningKey defaultKey = null;
        if (!privateKey.isBlank()) {
            Path file = configDirectory.resolve(privateKey.strip());
            defaultKey = key(domain.strip(), selector.strip(), file, "dkim_private_key");
        }
        if (signingTable.isBlank()) {
            return new DkimSigningTable(null, null, configDirectory, defaultKey);
        }
        if (keyTable.isBlank()) {
            throw new ConfigException(MailAuthTexts.dkimNoKeyTable());
        }
        return new DkimSigningTable(LookupTables.open(signingTable.strip(), configDirectory),
                LookupTables.open(keyTable.strip(), configDirectory), configDirectory, defaultKey);
    }

    public boolean isEmpty() {
        return signingTable == null && defaultKey == null;
    }

    /** The keys that sign mail from this From address; empty when none does. */
    public List<DkimSigningKey> keysFor(MailAddress from) {
        if (from == null || !from.isQualified()) {
            return List.of();
        }
        if (signingTable == null) {
            String d = from.domainKey();
            return defaultKey != null && (d.equals(defaultKey.domain()) || d.endsWith("." + defaultKey.domain()))
                    ? List.of(defaultKey) : List.of();
        }
        Optional<String> names = LookupTables.findAccess(signingTable, from);
        List<DkimSigningKey> keys = new ArrayList<>();
        for (String name : names.orElse("").split("[,\\s]+")) {
            if (!name.isEmpty()) {
                keys.add(named(name));
            }
        }
        return keys;
    }

    private DkimSigningKey named(String name) {
        lock.lock();
        try {
            DkimSigningKey key = loaded.get(name);
            if (key == null) {
                String entry = keyTable.find(name).orElseThrow(() -> new ConfigException(MailAuthTexts.dkimUnknownKey(name)));
                String[] parts = entry.strip().split(":", 3);
                if (parts.length != 3) {
                    throw new ConfigException(MailAuthTexts.dkimBadKeyTableEntry(name, entry));
                }
                key = key(parts[0], parts[1], configDirectory.resolve(parts[2]), "dkim_key_table");
                loaded.put(name, key);
            }
            return key;
        } finally {
            lock.unlock();
        }
    }

    private static DkimSigningKey key(String domain, String selector, Path file, String parameter) {
        SecretFiles.requirePrivate(parameter, file);
        try {
            PrivateKey key = DkimKeyFiles.read(file);
            return new DkimSigningKey(domain.toLowerCase(Locale.ROOT), selector, DkimKeyFiles.algorithmOf(key), key);
        } catch (IOException e) {
            throw new ConfigException(MailAuthTexts.dkimKeyUnreadable(parameter, file, e.getMessage()));
        }
    }
}
