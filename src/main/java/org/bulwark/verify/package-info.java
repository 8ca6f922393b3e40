/**
 * Postfix's verify(8): the address verification cache that {@code reject_unverified_recipient} and
 * {@code reject_unverified_sender} ask, and the probes that fill it. A query for an address with
 * no fresh answer queues a probe (through cleanup, like any mail) and answers "in progress"; the
 * delivery agents check the probe's recipient without delivering anything and report what they
 * found here. The cache lives in memory, in a file under {@code data_directory}, or in Redis so
 * that several nodes share it ({@code address_verify_map}).
 *
 * <p>SECURITY: keys are addresses that untrusted clients named, values the texts remote servers
 * answered; both are stored as text with control characters replaced and never interpreted.
 * Talks to the network only through the Redis store; a store that fails makes the restriction
 * answer with Postfix's "address verification problem" (a temporary refusal), never a pass.
 */
package org.bulwark.verify;
