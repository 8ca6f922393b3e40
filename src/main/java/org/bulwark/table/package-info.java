/**
 * Lookup tables (texthash, hash and the other indexed types read from their text source, cidr,
 * pcre, regexp, inline, static, unix:passwd) and Postfix's match lists: {@code mynetworks}-style
 * network lists, domain lists and the address classes of ADDRESS_CLASS_README.
 *
 * <p>SECURITY: reads only local files the configuration names, once, when a table is opened; no
 * network access and no privilege needed beyond reading those files. Keys come from SMTP clients,
 * so no lookup builds a regular expression or a file name from a key.
 */
package org.bulwark.table;
