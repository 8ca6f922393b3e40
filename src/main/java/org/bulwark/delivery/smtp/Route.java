package org.bulwark.delivery.smtp;

import java.net.InetAddress;
import java.util.List;

/** Where a nexthop's mail goes: the servers to try in order, or why there are none. */
sealed interface Route {

    /** One server address: the host name it was found under (for logs and certificate checks). */
    record Server(String host, InetAddress address, int port) {
    }

    record Servers(List<Server> servers) implements Route {
        public Servers {
            servers = List.copyOf(servers);
        }
    }

    /** No server: {@code temporary} defers, otherwise the recipients bounce. */
    record Failure(boolean temporary, String dsn, String text) implements Route {
    }
}
