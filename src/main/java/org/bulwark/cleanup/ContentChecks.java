package org.bulwark.cleanup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * The content inspection tables of header_checks(5) and body_checks(5), opened once per
 * configuration: which table list applies to which header class, how much of each body segment
 * is inspected, and whether MIME structure is followed at all.
 *
 * @param header    header_checks: the primary message's non-MIME headers
 * @param mime      mime_header_checks: MIME headers (Content-*, MIME-Version) anywhere, and every header of a part
 * @param nested    nested_header_checks: non-MIME headers of an attached message (message/rfc822)
 * @param body      body_checks: each body line, MIME boundaries included
 * @param bodyLimit body_checks_size_limit: bytes per body segment that body_checks see; 0 for all
 * @param mimeOff   disable_mime_input_processing: the body is one segment, no parts are parsed
 * @param headerLimit header_size_limit: the most bytes of one header kept for a part
 * @param strict    the strict_* MIME checks that refuse malformed mail
 */
record ContentChecks(List<LookupTable> header, List<LookupTable> mime, List<LookupTable> nested,
                     List<LookupTable> body, long bodyLimit, boolean mimeOff, int headerLimit, Strict strict) {

    /** The parameters these checks are made of, which a master.cf cleanup service may override. */
    static final List<String> PARAMETERS = List.of("header_checks", "mime_header_checks", "nested_header_checks",
            "body_checks", "body_checks_size_limit", "disable_mime_input_processing", "strict_7bit_headers",
            "strict_8bitmime_body", "strict_8bitmime", "strict_mime_encoding_domain");

    /** No inspection: receive_override_options = no_header_body_checks, or no tables. */
    static final ContentChecks NONE = new ContentChecks(List.of(), List.of(), List.of(), List.of(), 0, false, 0,
            Strict.OFF);

    /**
     * Postfix's MIME_OPT_REPORT_* options, each refusing the message with 550 5.6.0.
     *
     * @param headers8bit    strict_7bit_headers or strict_8bitmime: 8-bit bytes in a header
     * @param body8bit       strict_8bitmime_body or strict_8bitmime: 8-bit bytes in a 7bit body part
     * @param encodingDomain strict_mime_encoding_domain: a message/* or multipart/* part encoded
     *                       other than Postfix allows for it
     * @param nesting        deeper than 100 levels (mime_nesting_limit) when any header check or
     *                       strict option is on; otherwise deeper parts are read as plain body
     */
    record Strict(boolean headers8bit, boolean body8bit, boolean encodingDomain, boolean nesting) {
        static final Strict OFF = new Strict(false, false, false, false);

        boolean any() {
            return headers8bit || body8bit || encodingDomain;
        }
    }

    ContentChecks {
        header = List.copyOf(header);
        mime = List.copyOf(mime);
        nested = List.copyOf(nested);
        body = List.copyOf(body);
    }

    /** Opens the tables; a missing file or a bad line stops the configuration from loading. */
    static ContentChecks create(Config config, int headerLimit) {
        Path dir = config.configDirectory();
        boolean mimeOff = config.bool("disable_mime_input_processing");
        boolean strict8bit = config.bool("strict_8bitmime");
        List<LookupTable> header = open(config, "header_checks", dir);
        List<LookupTable> mime = open(config, "mime_header_checks", dir);
        List<LookupTable> nested = open(config, "nested_header_checks", dir);
        // cleanup_message.c: MIME processing off means none of the strict checks either.
        Strict strict = mimeOff ? Strict.OFF : new Strict(strict8bit || config.bool("strict_7bit_headers"),
                strict8bit || config.bool("strict_8bitmime_body"), config.bool("strict_mime_encoding_domain"),
                false);
        strict = new Strict(strict.headers8bit(), strict.body8bit(), strict.encodingDomain(),
                !mimeOff && (strict.any() || !header.isEmpty() || !mime.isEmpty() || !nested.isEmpty()));
        ContentChecks checks = new ContentChecks(header, mime, nested, open(config, "body_checks", dir),
                config.size("body_checks_size_limit"), mimeOff, headerLimit, strict);
        return checks.active() ? checks : NONE;
    }

    /** These checks for a service whose overrides may say receive_override_options = no_header_body_checks. */
    ContentChecks forService(Config serviceConfig) {
        return skipped(serviceConfig) ? NONE : this;
    }

    static boolean skipped(Config config) {
        return config.list("receive_override_options").contains("no_header_body_checks");
    }

    boolean active() {
        return !header.isEmpty() || !mime.isEmpty() || !nested.isEmpty() || !body.isEmpty() || strict.any();
    }

    /** Postfix's maps_find: the first table with an answer wins. */
    static Optional<String> find(List<LookupTable> tables, String key) {
        for (LookupTable table : tables) {
            Optional<String> value = table.find(key);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    /** The tables a parameter lists, opened. */
    static List<LookupTable> tables(Config config, String name) {
        return open(config, name, config.configDirectory());
    }

    private static List<LookupTable> open(Config config, String name, Path dir) {
        return config.list(name).stream().map(spec -> LookupTables.open(spec, dir)).toList();
    }
}
