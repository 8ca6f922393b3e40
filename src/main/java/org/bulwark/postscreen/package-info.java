/**
 * postscreen(8): the screen in front of smtpd. It listens on the port, tells zombies from real
 * mail servers before they reach smtpd (the pregreet test with its 220- teaser, weighted DNS
 * block and allow lists asked in parallel during the greet wait, postscreen_access_list, and
 * after the greeting the deep protocol tests of its own small SMTP engine), remembers who passed
 * in its cache (memory with a file, or Redis shared by several nodes) and hands a passed client
 * to the master.cf {@code pass} smtpd service on the same socket, in the same process.
 *
 * <p>SECURITY: talks to untrusted clients before anything else does and needs no privilege beyond
 * its listening socket. A client waiting for the greeting costs a virtual thread and a small read
 * buffer; every wait is bounded (postscreen_greet_wait, postscreen_command_time_limit,
 * postscreen_dnsbl_timeout), the engine never accepts mail (every recipient is refused) and stops
 * after postscreen_command_count_limit commands. Behind a load balancer
 * (postscreen_upstream_proxy_protocol) the client is the one the PROXY header names, and a
 * connection without a valid header is dropped, never screened as the proxy.
 */
package org.bulwark.postscreen;
