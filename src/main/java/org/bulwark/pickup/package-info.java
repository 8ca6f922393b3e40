/** Moves messages that the sendmail command left in the maildrop directory through cleanup into the queue. */
package org.bulwark.pickup;
