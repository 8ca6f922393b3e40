/** Composition root: builds services from master.cf, runs them, reloads and stops them; the daemon's only main. */
package org.bulwark.master;
