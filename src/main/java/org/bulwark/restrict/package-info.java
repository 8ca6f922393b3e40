/** smtpd_*_restrictions parsed once into objects and evaluated per stage to DUNNO, PERMIT, REJECT or DEFER with Postfix's replies. */
package org.bulwark.restrict;
