/**
 * Moves messages that the sendmail command left in the maildrop directory through cleanup into the queue.
 *
 * <p>SECURITY: maildrop files are written by local users and are untrusted input: the envelope is
 * bounded and parsed strictly, a file that does not parse is moved to corrupt/, and the submitter
 * is recorded from the file itself, never taken on trust for anything else.
 */
package org.bulwark.pickup;
