/**
 * Postfix's spawn(8): runs a command per connection on a master.cf unix socket or inet port.
 *
 * <p>SECURITY: a unix socket lives under the queue directory (private/ is for this mail system
 * only), an inet port on the address its name gives; when the server runs as root each command
 * runs as its master.cf {@code user=} (never root) with only {@code export_environment} in its
 * environment, and is killed after its {@code <service>_time_limit}.
 */
package org.bulwark.spawn;
