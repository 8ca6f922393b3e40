/**
 * The maillog writer: Postfix-format lines to a file or standard output.
 *
 * <p>SECURITY: writes only the maillog_file the operator names, or standard output; no network
 * and no privilege. It writes lines as its callers word them, so what a client sent reaches the
 * log only as the caller quotes it, and passwords and key material are never given to it.
 */
package org.bulwark.log;
