"""How much memory postscreen needs for clients waiting before the greeting.

Starts Bulwark (./bulwark start-fg) with postscreen on a loopback port and smtpd behind it as the
pass service, opens N connections (default 10,000) from 127.0.0.0/8 addresses that read the 220-
teaser and then wait, as zombies and real servers both do during postscreen_greet_wait, and
reports the server's resident memory (VmRSS and VmHWM) with all of them open. The greet wait is
long, so every connection is still before the greeting when memory is read.

    python3 bench/postscreen_idle.py [--sessions 10000] [--port 10625]

Standard library only; loopback only; no DNS.
"""

import argparse
import os
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024  # MiB
    return 0


def write_config(work, port):
    conf = os.path.join(work, "conf")
    os.makedirs(conf)
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write("\n".join([
            "myhostname = mail.bench.test",
            "mydestination = localhost",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.1/32",
            "queue_directory = %s/spool" % work,
            "data_directory = %s/lib" % work,
            "maillog_file = %s/maillog" % work,
            "alias_maps =",
            "local_recipient_maps =",
            "dns_servers = 127.0.0.1:1",
            # Every client stays in the greet wait while memory is measured.
            "postscreen_greet_wait = 120s",
            "postscreen_pre_queue_limit = 0",
            "postscreen_client_connection_count_limit = 0",
            "postscreen_cache_map = memory:",
            "",
        ]))
    with open(os.path.join(conf, "master.cf"), "w") as f:
        f.write("127.0.0.1:%d inet n - n - 1 postscreen\n" % port)
        f.write("smtpd pass - - n - - smtpd\n")
        f.write("pickup unix n - n 60 1 pickup\ncleanup unix n - n - 0 cleanup\n"
                "qmgr unix n - n 300 1 qmgr\nlocal unix - n n - - local\n"
                "smtp unix - - n - - smtp\nrelay unix - - n - - smtp\n")
    return conf


def wait_for_port(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--port", type=int, default=10625)
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.sessions + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, soft), max(want, hard)))
    work = tempfile.mkdtemp(prefix="postscreen-idle-")
    conf = write_config(work, args.port)
    log = open(os.path.join(work, "stdout.log"), "ab")
    process = subprocess.Popen([os.path.join(ROOT, "bulwark"), "-c", conf, "start-fg"],
                               stdout=log, stderr=subprocess.STDOUT)
    socks = []
    try:
        if not wait_for_port(args.port, 300):
            log.flush()
            with open(os.path.join(work, "stdout.log")) as f:
                sys.exit("Bulwark did not listen:\n" + f.read()[-3000:])
        time.sleep(2)
        before = status(process.pid, "VmRSS")
        selector = selectors.DefaultSelector()
        teased = 0
        start = time.monotonic()
        for i in range(args.sessions):
            s = socket.socket()
            # Spread the clients over 127.0.0.0/8, as many different zombies would be.
            s.bind(("127.0.%d.%d" % (1 + i // 250, 2 + i % 250), 0))
            s.connect(("127.0.0.1", args.port))
            s.setblocking(False)
            selector.register(s, selectors.EVENT_READ)
            socks.append(s)
            while True:
                ready = selector.select(0)
                if not ready:
                    break
                for key, _ in ready:
                    if key.fileobj.recv(1024):
                        teased += 1
                    selector.unregister(key.fileobj)
        while teased < args.sessions and time.monotonic() - start < 100:
            for key, _ in selector.select(1):
                if key.fileobj.recv(1024):
                    teased += 1
                selector.unregister(key.fileobj)
        opened = time.monotonic() - start
        time.sleep(2)
        rss = status(process.pid, "VmRSS")
        hwm = status(process.pid, "VmHWM")
        print("%d connections opened in %.1fs, %d got the 220- teaser" % (args.sessions, opened, teased))
        print("Bulwark resident memory: %d MiB idle, %d MiB with every connection in the greet wait "
              "(peak %d MiB)" % (before, rss, hwm))
    finally:
        for s in socks:
            s.close()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
