/**
 * Address rewriting and resolution, as Postfix's trivial-rewrite and cleanup's virtual alias
 * expansion: myorigin, virtual_alias_maps, address classes, and the transport:nexthop of each
 * recipient (for the default class, the envelope sender's sender_dependent_default_transport_maps
 * entry over default_transport). SECURITY: pure computation over configuration and lookup tables; no files, no network.
 */
package org.bulwark.rewrite;
