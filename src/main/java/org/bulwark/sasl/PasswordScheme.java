package org.bulwark.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.codec.digest.Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Dovecot's password schemes, in its {@code {SCHEME}hash} form, so that a file made with
 * {@code doveadm pw} works here and the other way round. crypt(3) comes from commons-codec,
 * bcrypt and Argon2 from Bouncy Castle; nothing is hand-written but the framing.
 */
public enum PasswordScheme {
    SHA512_CRYPT("SHA512-CRYPT"),
    SHA256_CRYPT("SHA256-CRYPT"),
    BLF_CRYPT("BLF-CRYPT"),
    ARGON2ID("ARGON2ID"),
    SCRAM_SHA_256("SCRAM-SHA-256"),
    PLAIN("PLAIN");

    /** Dovecot's defaults: doveadm pw uses these costs. */
    private static final int BCRYPT_COST = 10;
    private static final int ARGON2_MEMORY_KIB = 65536;
    private static final int ARGON2_ITERATIONS = 3;
    private static final int ARGON2_LANES = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final String dovecotName;

    PasswordScheme(String dovecotName) {
        this.dovecotName = dovecotName;
    }

    public String dovecotName() {
        return dovecotName;
    }

    public static Optional<PasswordScheme> named(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (PasswordScheme s : values()) {
            if (s.dovecotName.equals(n)) {
                return Optional.of(s);
            }
        }
        return n.equals("CLEAR") || n.equals("CLEARTEXT") ? Optional.of(PLAIN) : Optional.empty();
    }

    /** A new hash with a fresh salt, prefixed with {@code {SCHEME}} as doveadm pw prints it. */
    public String hash(String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        String hash = switch (this) {
            case SHA512_CRYPT -> Sha2Crypt.sha512Crypt(pw);
            case SHA256_CRYPT -> Sha2Crypt.sha256Crypt(pw);
            case BLF_CRYPT -> OpenBSDBCrypt.generate("2y", password.toCharArray(), salt(16), BCRYPT_COST);
            case ARGON2ID -> {
                byte[] salt = salt(16);
                yield "$argon2id$v=19$m=" + ARGON2_MEMORY_KIB + ",t=" + ARGON2_ITERATIONS + ",p=" + ARGON2_LANES
                        + "$" + B64.encodeToString(salt) + "$"
                        + B64.encodeToString(argon2(pw, salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES, 32));
            }
            case SCRAM_SHA_256 -> ScramCredentials.derive(password, salt(16), ScramCredentials.DEFAULT_ITERATIONS)
                    .dovecotForm();
            case PLAIN -> password;
        };
        return "{" + dovecotName + "}" + hash;
    }

    /**
     * Whether a password matches a stored {@code {SCHEME}hash}. Without a scheme prefix the hash
     * is taken as crypt(3), as Dovecot's CRYPT default reads {@code $6$}, {@code $5$} and {@code $2y$}.
     */
    public static boolean verify(String stored, String password) {
        String scheme = "CRYPT";
        String hash = stored;
        if (stored.startsWith("{")) {
            int end = stored.indexOf('}');
            if (end < 0) {
                return false;
            }
            scheme = stored.substring(1, end).toUpperCase(Locale.ROOT);
            hash = stored.substring(end + 1);
        }
        try {
            return switch (scheme) {
                case "SHA512-CRYPT", "SHA256-CRYPT", "CRYPT", "MD5-CRYPT" -> crypt(hash, password);
                case "BLF-CRYPT" -> OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
                case "ARGON2ID", "ARGON2I" -> argon2Matches(hash, password);
                case "SCRAM-SHA-256" -> ScramCredentials.parse(hash).matches(password);
                case "PLAIN", "CLEAR", "CLEARTEXT" -> same(hash.getBytes(StandardCharsets.UTF_8),
                        password.getBytes(StandardCharsets.UTF_8));
                default -> false;
            };
        } catch (RuntimeException e) {
            return false; // a malformed stored hash matches nothing (Bouncy Castle throws its own kinds)
        }
    }

    private static boolean crypt(String hash, String password) {
        if (hash.startsWith("$2")) {
            return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        }
        return same(Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), hash).getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code $argon2id$v=19$m=65536,t=3,p=1$salt$hash}, salt and hash in unpadded base64 (PHC form). */
    private static boolean argon2Matches(String hash, String password) {
        String[] parts = hash.split("\\$");
        if (parts.length != 6 || !parts[1].startsWith("argon2")) {
            throw new IllegalArgumentException("not an Argon2 hash");
        }
        int memory = 0;
        int iterations = 0;
        int lanes = 0;
        for (String p : parts[3].split(",")) {
            int value = Integer.parseInt(p.substring(2));
            switch (p.charAt(0)) {
                case 'm' -> memory = value;
                case 't' -> iterations = value;
                case 'p' -> lanes = value;
                default -> throw new IllegalArgumentException("unknown Argon2 parameter " + p);
            }
        }
        byte[] salt = Base64.getDecoder().decode(parts[4]);
        byte[] expected = Base64.getDecoder().decode(parts[5]);
        int type = parts[1].equals("argon2id") ? Argon2Parameters.ARGON2_id : Argon2Parameters.ARGON2_i;
        byte[] actual = argon2(password.getBytes(StandardCharsets.UTF_8), salt, memory, iterations, lanes,
                expected.length, type);
        return same(actual, expected);
    }

    private static byte[] argon2(byte[] password, byte[] salt, int memory, int iterations, int lanes, int length) {
        return argon2(password, salt, memory, iterations, lanes, length, Argon2Parameters.ARGON2_id);
    }

    private static byte[] argon2(byte[] password, byte[] salt, int memory, int iterations, int lanes, int length,
            int type) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(type)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memory).withIterations(iterations).withParallelism(lanes)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private static byte[] salt(int n) {
        byte[] salt = new byte[n];
        RANDOM.nextBytes(salt);
        return salt;
    }

    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
