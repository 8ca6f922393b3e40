package org.bulwark.rewrite;

/** The reasons resolution gives for addresses it cannot route, worded once (Postfix's texts). */
final class ResolveTexts {

    private ResolveTexts() {
    }

    /** The nexthop of the {@code error} transport for an address in a virtual alias domain without an alias. */
    static final String UNKNOWN_IN_VIRTUAL_ALIAS_TABLE = "User unknown in virtual alias table";

    static String aliasNesting(String address) {
        return "unreasonable virtual_alias_maps map nesting for " + address;
    }

    static String aliasExpansionSize(String address) {
        return "unreasonable virtual_alias_maps map expansion size for " + address;
    }

    static String aliasLookupFailed(String address) {
        return "virtual_alias_maps map lookup problem for " + address;
    }
}
