/** Helpers that know nothing about mail: fsync, CIDR networks, small I/O utilities. */
package org.bulwark.util;
