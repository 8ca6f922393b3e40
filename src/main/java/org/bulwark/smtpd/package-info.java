/** The SMTP server: listeners, one session per connection on a virtual thread, verb handlers and limits. Talks to untrusted clients. */
package org.bulwark.smtpd;
