#!/usr/bin/env python3
"""Sending MTAs under test: THREADS clients, each from its own loopback address, send messages
(Subject: cluster-N, one connection each) to HOST:PORT until standard input is closed or MAX
messages were taken. A client that cannot connect, loses the connection or gets a 4xx tries the
same message again, as a real MTA retries; a 5xx is final. Prints one line per outcome, as it
happens:
  250 N NODE      message N accepted by NODE (the host name of its greeting)
  5xx N NODE      message N refused for good
  gave-up N       message N not accepted within DEADLINE seconds from the start
and at the end: done ACCEPTED RETRIES."""
import smtplib
import sys
import threading
import time

host, port, most, threads, deadline = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
end = time.monotonic() + deadline
lock = threading.Lock()
numbers = iter(range(most))
stop = threading.Event()
retries = 0
accepted = 0


def watch_stdin():
    sys.stdin.read()
    stop.set()


def say(line):
    with lock:
        print(line, flush=True)


def attempt(source, n):
    """One try: the final reply's code and the node that gave it."""
    client = smtplib.SMTP(timeout=10, source_address=(source, 0))
    try:
        code, banner = client.connect(host, port)
        node = banner.decode().split(" ")[0] if banner else "?"
        if code != 220:
            return code, node
        code, _ = client.ehlo("sender.example")
        if code != 250:
            return code, node
        code, _ = client.mail("load@sender.example")
        if code != 250:
            return code, node
        code, _ = client.rcpt("alice@example.test")
        if code != 250:
            return code, node
        body = "Subject: cluster-%d\r\nMessage-ID: <cluster-%d@sender.example>\r\n\r\nmessage %d\r\n" % (n, n, n)
        code, _ = client.data(body)
        return code, node
    finally:
        try:
            client.quit()
        except Exception:
            client.close()


def sender(index):
    global retries, accepted
    source = "127.0.1.%d" % (index + 1)
    while not stop.is_set():
        with lock:
            n = next(numbers, None)
        if n is None:
            return
        while True:
            if time.monotonic() > end:
                say("gave-up %d" % n)
                break
            try:
                code, node = attempt(source, n)
            except (OSError, smtplib.SMTPException):
                code, node = 0, "?"
            if code == 250:
                with lock:
                    accepted += 1
                say("250 %d %s" % (n, node))
                break
            if 500 <= code < 600:
                say("%d %d %s" % (code, n, node))
                break
            with lock:
                retries += 1
            time.sleep(0.05)


threading.Thread(target=watch_stdin, daemon=True).start()
workers = [threading.Thread(target=sender, args=(i,)) for i in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
say("done %d %d" % (accepted, retries))
