"""A milter that does nothing: it takes the connect stage, as every real milter does (rspamd,
OpenDKIM, ClamAV's and SpamAssassin's milters all look at the client), and answers it and the end
of message with continue; every other callback is left out, so libmilter asks the MTA to skip
those stages. The benchmark puts it behind both servers to measure what the milter protocol
itself costs them.

    /usr/bin/python3 bench/noop_milter.py inet:PORT@127.0.0.1
"""

import sys

import Milter


class Noop(Milter.Base):
    """Milter.Base marks each callback it does not override as not wanted."""

    def connect(self, hostname, family, hostaddr):
        return Milter.CONTINUE


def main():
    Milter.factory = Noop
    Milter.set_flags(0)  # asks for no modifications
    Milter.runmilter("bench-noop", sys.argv[1], 60)


if __name__ == "__main__":
    main()
