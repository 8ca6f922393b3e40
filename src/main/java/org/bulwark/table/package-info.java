/** Lookup tables (texthash, hash, cidr, pcre, regexp, inline, static, unix:passwd) and Postfix match lists; reads only local files. */
package org.bulwark.table;
