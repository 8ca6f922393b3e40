/**
 * The SMTP server: listeners, one session per connection on a virtual thread, verb handlers and
 * limits; SESSION.md shows how a session is put together.
 *
 * <p>SECURITY: talks to untrusted clients over the network and needs no privilege beyond its
 * listening socket. Sessions are capped (master.cf maxproc), every read and write has smtpd_timeout, error
 * and recipient counts are bounded, and no 250 is sent for a message before cleanup has committed
 * it to the queue. Unexpected failures end the session with a 421 and a log line, never a trace.
 * Behind a load balancer (smtpd_upstream_proxy_protocol) the client is the one the PROXY header
 * names, and a connection without a valid header is hung up, never served as the proxy.
 * XCLIENT and XFORWARD, which let a client name another, are obeyed (and announced) only for the
 * addresses in smtpd_authorized_xclient_hosts and smtpd_authorized_xforward_hosts, empty by default.
 */
package org.bulwark.smtpd;
