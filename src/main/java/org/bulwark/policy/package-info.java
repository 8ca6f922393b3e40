/**
 * The policy delegation protocol of Postfix's SMTPD_POLICY_README (client and server) and built-in
 * greylisting with postgrey's semantics.
 *
 * <p>SECURITY: the client talks to configured policy servers over loopback/inet or UNIX sockets,
 * with a time limit on every exchange; the server answers any client that can reach its socket, so
 * it should listen on loopback only. Greylist state lives in a file or in Redis; a store that
 * fails yields a temporary refusal, never an acceptance.
 */
package org.bulwark.policy;
