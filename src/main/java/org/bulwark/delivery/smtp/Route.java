package org.bulwark.delivery.smtp;

import java.net.InetAddress;
import java.util.List;

/** Where a nexthop's mail goes: the servers to try in order, or why there are none. */
sealed interface Route {

    /**
     * One server address: the host name it was found under (for logs and certificate checks), and
     * whether DNSSEC validated every step from the nexthop to the address (the MX records, when
     * used, and the address records), which DANE requires (RFC 7672 §2.2.1).
     *
     * @param insecureMx the host came from MX records that were not validated, but its own address
     *                   records were: {@code smtp_tls_dane_insecure_mx_policy} decides about DANE
     */
    record Server(String host, InetAddress address, int port, boolean dnssec, boolean insecureMx) {
        Server(String host, InetAddress address, int port) {
            this(host, address, port, false, false);
        }

        Server(String host, InetAddress address, int port, boolean dnssec) {
            this(host, address, port, dnssec, false);
        }
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
