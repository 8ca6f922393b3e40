/**
 * Helpers that know nothing about mail: fsync, CIDR networks, small I/O utilities.
 *
 * <p>SECURITY: no privilege; touches only the files and the Redis server its callers name.
 * Parsers of addresses and networks get untrusted text and refuse what they cannot read
 * rather than guess.
 */
package org.bulwark.util;
