package org.bulwark.rewrite;

import org.bulwark.mail.MailAddress;

/**
 * Where one address goes: a transport from master.cf ({@code local}, {@code virtual},
 * {@code smtp}, {@code relay}, {@code error}), its nexthop, and the address to deliver to.
 */
public record Resolution(String transport, String nexthop, MailAddress address) {
}
