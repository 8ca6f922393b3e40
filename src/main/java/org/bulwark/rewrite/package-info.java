/** Address rewriting and resolution: myorigin, virtual and local aliases, and the transport:nexthop of each recipient. */
package org.bulwark.rewrite;
