/** Name resolution through dnsjava; loopback and localhost answered locally, never by the machine's resolver. */
package org.bulwark.dns;
