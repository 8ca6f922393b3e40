/**
 * main.cf and master.cf: parsing, $name expansion, the parameter registry and validation with
 * file:line errors.
 *
 * <p>SECURITY: reads the two files of the configuration directory and nothing else; no network
 * and no DNS (the host name default comes from HOSTNAME or /etc/hostname). Values are text until
 * a typed getter reads them; a bad value stops the load with the file and line to fix.
 */
package org.bulwark.config;
