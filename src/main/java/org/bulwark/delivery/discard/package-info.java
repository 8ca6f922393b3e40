/**
 * The discard delivery agent, after Postfix's discard(8): every recipient is reported sent, with the
 * nexthop as the reason, and nothing is delivered. SECURITY: reads nothing but the request and
 * talks to no one; needs no privilege.
 */
package org.bulwark.delivery.discard;
