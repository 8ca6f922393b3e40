/** Mail value types shared by every component: addresses, envelopes, queue IDs, SMTP replies. */
package org.bulwark.mail;
