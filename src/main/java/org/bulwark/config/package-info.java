/**
 * main.cf and master.cf: parsing, $name expansion, the parameter registry, the vocabulary of
 * Postfix names with what Bulwark does with each, and validation with file:line errors.
 *
 * <p>SECURITY: reads the two files of the configuration directory, and the text of transport_maps
 * tables to learn where mail is routed; no network and no DNS (the host name default comes from
 * HOSTNAME or /etc/hostname). Values are text until a typed getter reads them; a bad value, or a
 * line Bulwark does not implement that would change what mail is accepted, filtered or where it
 * goes, stops the load with the file and line to fix.
 */
package org.bulwark.config;
