"""A milter that does nothing: every callback is left out, so libmilter asks the MTA to skip
every stage it can, and end of message is answered with continue. The benchmark puts it behind
both servers to measure what the milter protocol itself costs them.

    /usr/bin/python3 bench/noop_milter.py inet:PORT@127.0.0.1
"""

import sys

import Milter


class Noop(Milter.Base):
    """No callbacks: Milter.Base marks each one it does not override as not wanted."""


def main():
    Milter.factory = Noop
    Milter.set_flags(0)  # asks for no modifications
    Milter.runmilter("bench-noop", sys.argv[1], 60)


if __name__ == "__main__":
    main()
