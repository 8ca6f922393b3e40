/** The maillog writer: Postfix-format lines to a file or standard output. */
package org.bulwark.log;
