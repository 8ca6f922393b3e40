/** The SMTP codec: command and path parsing, ESMTP parameters, DATA and BDAT framing, reply formatting; no I/O of its own. */
package org.bulwark.protocol;
