"""Bulwark against Postfix on this machine, in one run, over loopback only.

Both servers get the same workload shape: smtpd on 127.0.0.1, the same relay restrictions,
virtual(8)-style Maildir delivery of every message, fsync as each does by default. Postfix's own
load generator smtp-source drives both. Every message is counted in the Maildirs: a missing or
duplicated message fails the run.

Called by bench/run, which builds Bulwark and installs Postfix first. Standard library only.
"""

import argparse
import datetime
import os
import platform
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

KIB = 1024
MIB = 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
DOMAIN = "bench.test"
SENDER = "sender@" + DOMAIN
BULWARK_PORT = 10225
POSTFIX_PORT = 10125
SINK_PORT = 10325
MILTER_PORT = 10425
JAVA = ["java"]
LOAD = ["?"]
SET_ASIDE = [0]


class BenchFailure(Exception):
    """A run that must not produce numbers: a lost or duplicated message, a server that failed."""


# ----------------------------------------------------------------------------------------------
# Workloads


class Workload:
    def __init__(self, size, sessions, count, milter=False):
        self.size = size
        self.sessions = sessions
        self.count = count
        self.milter = milter  # through each server's second listener, which asks a no-op milter

    @property
    def label(self):
        return "%s x %d%s" % (human_size(self.size), self.sessions, " + milter" if self.milter else "")

    @property
    def user(self):
        return "w%d-%d%s" % (self.size, self.sessions, "m" if self.milter else "")


def human_size(n):
    if n >= MIB:
        return "%d MiB" % (n // MIB)
    return "%d KiB" % (n // KIB)


def workloads(quick):
    if quick:
        return [Workload(KIB, 1, 300), Workload(KIB, 10, 1000), Workload(KIB, 10, 1000, milter=True),
                Workload(KIB, 50, 1000),
                Workload(100 * KIB, 10, 300), Workload(100 * KIB, 50, 300), Workload(10 * MIB, 10, 10)]
    return [Workload(KIB, 1, 1500), Workload(KIB, 10, 2000), Workload(KIB, 10, 2000, milter=True),
            Workload(KIB, 50, 2000),
            Workload(100 * KIB, 1, 500), Workload(100 * KIB, 10, 1500), Workload(100 * KIB, 50, 1500),
            Workload(10 * MIB, 1, 10), Workload(10 * MIB, 10, 20)]


# ----------------------------------------------------------------------------------------------
# The machine's own load: a busy machine flatters one JVM against Postfix's many processes, so
# every number is printed with the load it was measured under.

BUSY_LOAD = 1.0


def load_average():
    return float(open("/proc/loadavg").read().split()[0])


def cpu_times():
    """(total, steal) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields), (fields[7] if len(fields) > 7 else 0)


class MachineWindow:
    """Load average at the start and end of a measurement, and the share of CPU time stolen by
    the hypervisor in between."""

    def __enter__(self):
        self.load_before = load_average()
        self._cpu0 = cpu_times()
        return self

    def __exit__(self, *exc):
        self.load_after = load_average()
        total, steal = cpu_times()
        elapsed = total - self._cpu0[0]
        self.steal = 100.0 * (steal - self._cpu0[1]) / elapsed if elapsed else 0.0


# ----------------------------------------------------------------------------------------------
# Process accounting: CPU and memory of a whole process tree (Postfix is many processes)


def children_map():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                pass
    return parents


def tree(root):
    parents = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def cpu_seconds(root):
    """utime+stime of every live process in the tree, plus what they reaped from dead children."""
    total = 0
    for pid in tree(root):
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except (OSError, IndexError):
            pass
    return total / CLK_TCK


def memory_bytes(root):
    """Proportional set size of the tree: shared pages are split, so Postfix's many processes are
    not charged their shared libraries many times over."""
    total = 0
    for pid in tree(root):
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


class MemorySampler:
    def __init__(self, root, interval=0.5):
        self.root = root
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, memory_bytes(self.root))
            self._stop.wait(self.interval)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, memory_bytes(self.root))


# ----------------------------------------------------------------------------------------------
# The two servers


def wait_for_banner(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    return True
        except OSError:
            time.sleep(0.005)
    return False


class Bulwark:
    name = "Bulwark"

    def __init__(self, root, work):
        self.root = root
        self.dir = os.path.join(work, "bulwark")
        self.conf = os.path.join(self.dir, "conf")
        self.mail = os.path.join(self.dir, "mail")
        self.spool = os.path.join(self.dir, "spool")
        self.port = BULWARK_PORT
        self.process = None
        self.log = None

    def configure(self, users):
        os.makedirs(self.conf, exist_ok=True)
        os.makedirs(self.mail, exist_ok=True)
        d = self.dir
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(common_main_cf(d, self.conf) + "\n".join([
                "queue_directory = %s/spool" % d,
                "data_directory = %s/lib" % d,
                "maillog_file = %s/maillog" % d,
                "",
            ]))
        write_vmailbox(self.conf, users)
        # The process limit is raised for the idle-session test: a session is a virtual thread.
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write("127.0.0.1:%d inet n - n - 20000 smtpd\n" % self.port)
            f.write("127.0.0.1:%d inet n - n - 20000 smtpd\n  -o smtpd_milters=inet:127.0.0.1:%d\n"
                    % (self.port + 1, MILTER_PORT))
            f.write("pickup unix n - n 60 1 pickup\ncleanup unix n - n - 0 cleanup\n"
                    "qmgr unix n - n 300 1 qmgr\nlocal unix - n n - - local\n"
                    "virtual unix - n n - - virtual\nerror unix - - n - - error\n")

    def start(self):
        """Starts the server and returns the milliseconds from the launch to the first 220."""
        self.log = open(os.path.join(self.dir, "stdout.log"), "ab")
        t0 = time.monotonic()
        self.process = subprocess.Popen([os.path.join(self.root, "bulwark"), "-c", self.conf, "start-fg"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        if not wait_for_banner(self.port, 60):
            raise BenchFailure("Bulwark did not answer on port %d; see %s/stdout.log" % (self.port, self.dir))
        JAVA[0] = os.readlink("/proc/%d/exe" % self.process.pid)
        return (time.monotonic() - t0) * 1000

    def pid(self):
        return self.process.pid

    def queue_empty(self):
        return all(not os.listdir(os.path.join(self.spool, q)) for q in ("incoming", "active"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()


class Postfix:
    name = "Postfix"

    def __init__(self, work):
        self.dir = os.path.join(work, "postfix")
        self.conf = os.path.join(self.dir, "conf")
        self.mail = os.path.join(self.dir, "mail")
        self.spool = os.path.join(self.dir, "spool")
        self.port = POSTFIX_PORT

    def configure(self, users):
        os.makedirs(self.conf, exist_ok=True)
        for sub in ("mail", "spool", "lib"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        shutil.chown(os.path.join(self.dir, "lib"), "postfix")
        shutil.chown(self.mail, 65534, 65534)
        d = self.dir
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(common_main_cf(d, self.conf) + "\n".join([
                "compatibility_level = 3.6",
                "queue_directory = %s/spool" % d,
                "data_directory = %s/lib" % d,
                "maillog_file = %s/maillog" % d,
                "maillog_file_prefixes = %s" % d,
                "alias_maps =",
                "alias_database =",
                "virtual_uid_maps = static:65534",
                "virtual_gid_maps = static:65534",
                "virtual_mailbox_limit = 0",
                "",
            ]))
        write_vmailbox(self.conf, users)
        # Debian's master.cf with nothing chrooted (the queue is not in the usual place) and the
        # smtp service moved to a loopback port.
        out = []
        with open("/etc/postfix/master.cf") as f:
            for line in f:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                if line[0].isspace():
                    out.append(line.rstrip("\n"))
                    continue
                cols = line.split()
                if cols[:2] == ["smtp", "inet"]:
                    out.append("127.0.0.1:%d inet n - n - - smtpd" % self.port)
                    out.append("127.0.0.1:%d inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:%d"
                               % (self.port + 1, MILTER_PORT))
                    continue
                if len(cols) >= 8:
                    cols[4] = "n"
                out.append(" ".join(cols))
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write("\n".join(out) + "\n")

    def start(self):
        t0 = time.monotonic()
        result = subprocess.run(["postfix", "-c", self.conf, "start"], capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchFailure("postfix start failed: %s %s; see %s/maillog"
                               % (result.stdout.strip(), result.stderr.strip(), self.dir))
        if not wait_for_banner(self.port, 60):
            raise BenchFailure("Postfix did not answer on port %d" % self.port)
        return (time.monotonic() - t0) * 1000

    def pid(self):
        with open(os.path.join(self.spool, "pid", "master.pid")) as f:
            return int(f.read().split()[0])

    def queue_empty(self):
        return all(not any(files for _, _, files in os.walk(os.path.join(self.spool, q)))
                   for q in ("incoming", "active", "maildrop"))

    def stop(self):
        subprocess.run(["postfix", "-c", self.conf, "stop"], capture_output=True)


def common_main_cf(d, conf):
    return "\n".join([
        "myhostname = bench.localdomain",
        "mydomain = " + DOMAIN,
        "myorigin = $mydomain",
        "mydestination = localhost",
        "inet_interfaces = 127.0.0.1",
        "inet_protocols = ipv4",
        "mynetworks = 127.0.0.0/8",
        "smtpd_peername_lookup = no",
        "default_transport = error",
        "relay_transport = error",
        "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
        "message_size_limit = %d" % (20 * MIB),
        "virtual_mailbox_domains = " + DOMAIN,
        "virtual_mailbox_base = %s/mail" % d,
        "virtual_mailbox_maps = texthash:%s/vmailbox" % conf,
        "",
    ])


def write_vmailbox(conf, users):
    with open(os.path.join(conf, "vmailbox"), "w") as f:
        for user in users:
            f.write("%s@%s %s/%s/\n" % (user, DOMAIN, DOMAIN, user))


# ----------------------------------------------------------------------------------------------
# One workload against one server


def maildir_new(server, user):
    return os.path.join(server.mail, DOMAIN, user, "new")


def count_files(path):
    try:
        with os.scandir(path) as it:
            return sum(1 for _ in it)
    except FileNotFoundError:
        return 0


def message_ids(path):
    ids = []
    for entry in os.scandir(path):
        with open(entry.path, "rb") as f:
            head = f.read(4096)
        for line in head.split(b"\n"):
            if line.lower().startswith(b"message-id:"):
                ids.append(line.split(b":", 1)[1].strip())
                break
            if not line.strip():
                ids.append(None)
                break
    return ids


def set_aside(new):
    """Moves a counted Maildir out of the way instead of deleting it. On ext4 without a journal,
    as here, every file creation scans past the inodes freed in its block group within the last
    5 minutes (300 s while their table block is dirty): one run's deleted Maildir would slow the
    next run's creations, whichever server it is. The work directory goes at the end."""
    maildir = os.path.dirname(new)
    SET_ASIDE[0] += 1
    os.rename(maildir, "%s.%d" % (maildir, SET_ASIDE[0]))


def run_workload(server, w, user=None):
    new = maildir_new(server, user or w.user)
    root = server.pid()
    cmd = ["smtp-source", "-s", str(w.sessions), "-m", str(w.count), "-l", str(w.size),
           "-M", "client.bench.test", "-f", SENDER, "-t", "%s@%s" % (user or w.user, DOMAIN),
           "127.0.0.1:%d" % (server.port + 1 if w.milter else server.port)]
    cpu0 = cpu_seconds(root)
    with MachineWindow() as machine, MemorySampler(root) as memory:
        t0 = time.monotonic()
        result = subprocess.run(cmd, capture_output=True, text=True)
        accepted = time.monotonic() - t0
        if result.returncode != 0:
            raise BenchFailure("%s %s: smtp-source failed: %s" % (server.name, w.label, result.stderr.strip()))
        deadline = time.monotonic() + 120 + w.count * w.size / (5 * MIB)
        while count_files(new) < w.count and time.monotonic() < deadline:
            time.sleep(0.02)
        delivered = time.monotonic() - t0
        while not server.queue_empty() and time.monotonic() < deadline:
            time.sleep(0.02)
        cpu = cpu_seconds(root) - cpu0
    time.sleep(0.3)  # a duplicate delivered late still shows up
    ids = message_ids(new) if os.path.isdir(new) else []
    if len(ids) != w.count or len(set(ids)) != w.count or None in ids:
        raise BenchFailure("%s %s: sent %d messages, the Maildir holds %d (%d distinct Message-Ids)"
                           % (server.name, w.label, w.count, len(ids), len(set(ids))))
    set_aside(new)
    return {
        "accepted": w.count / accepted,
        "delivered": w.count / delivered,
        "cpu": cpu / w.count * 1000,
        "memory": memory.peak,
        "load": (machine.load_before, machine.load_after),
        "steal": machine.steal,
    }


def start_noop_milter(work):
    """bench/noop_milter.py on MILTER_PORT, for the workloads marked milter; None without python3-milter."""
    log = open(os.path.join(work, "milter.log"), "ab")
    process = subprocess.Popen(["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                "noop_milter.py"), "inet:%d@127.0.0.1" % MILTER_PORT],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", MILTER_PORT), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.kill()
    raise BenchFailure("the no-op milter did not start (python3-milter installed?); see %s/milter.log" % work)


def run_sink(count):
    """smtp-sink: the SMTP protocol with no disk at all, the upper bound for this client."""
    with tempfile.TemporaryDirectory() as scratch:
        sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "127.0.0.1:%d" % SINK_PORT, "256"],
                                cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not wait_for_banner(SINK_PORT, 10):
                return None
            t0 = time.monotonic()
            subprocess.run(["smtp-source", "-s", "10", "-m", str(count), "-l", str(KIB), "-f", SENDER,
                            "-t", "u@" + DOMAIN, "127.0.0.1:%d" % SINK_PORT], check=True, capture_output=True)
            return count / (time.monotonic() - t0)
        finally:
            sink.terminate()
            sink.wait()


# ----------------------------------------------------------------------------------------------
# System calls per message: strace slows a server down, so this is a separate, untimed run


def parse_strace_summary(path):
    """{syscall: calls} from the summary table `strace -c` or `-C` writes after the calls."""
    calls = {}
    in_table = False
    with open(path) as f:
        for line in f:
            if line.startswith("% time"):
                in_table = True
                continue
            parts = line.split()
            if not in_table or len(parts) < 5 or not parts[3].isdigit() or parts[-1] == "total":
                continue
            calls[parts[-1]] = calls.get(parts[-1], 0) + int(parts[3])
    return calls


MAILBOX_AND_QUEUE_DIRECTORIES = {"new", "cur", "tmp", "incoming", "active", "deferred", "hold", "maildrop"}
FSYNC = re.compile(r"^\d+\s+(?:fsync|fdatasync)\(\d+<([^>]*)>")


def directory_syncs(path):
    """How many of the traced fsyncs were of a directory (a name made durable, shareable between
    messages) rather than of a file's data. The files are gone by now; so is the Maildir, which
    each workload removes after counting, hence the names."""
    count = 0
    with open(path) as f:
        for line in f:
            m = FSYNC.match(line)
            if m and (os.path.isdir(m.group(1)) or os.path.basename(m.group(1)) in MAILBOX_AND_QUEUE_DIRECTORIES):
                count += 1
    return count


def syscall_profile(server, count, user, milter=False):
    """System calls and fsyncs per message over `count` 1 KiB messages at 10 sessions, counted by
    `strace -C -f` attached to every process of the server (strace takes each process's threads
    along; Postfix's master forks new processes, and -f follows them). -C writes each call too,
    with the file's path (-y), so that syncs of directories can be told from syncs of files."""
    if not shutil.which("strace"):
        return None
    out = os.path.join(os.path.dirname(server.spool), "strace.txt")
    args = ["strace", "-C", "-f", "-y", "-qq", "-e", "signal=none", "-o", out]
    for pid in tree(server.pid()):
        args += ["-p", str(pid)]
    tracer = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)  # strace attaches to every thread before the run starts
    try:
        run_workload(server, Workload(KIB, 10, count, milter), user)
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(60)
    calls = parse_strace_summary(out)
    syncs = sum(calls.get(name, 0) for name in ("fsync", "fdatasync", "sync_file_range", "msync"))
    directories = directory_syncs(out)
    os.remove(out)
    return {"syscalls": sum(calls.values()) / count, "fsyncs": syncs / count,
            "file_fsyncs": (syncs - directories) / count, "directory_fsyncs": directories / count,
            "top": [(name, n / count) for name, n in sorted(calls.items(), key=lambda kv: -kv[1])[:8]]}


# ----------------------------------------------------------------------------------------------
# Per-transaction latency


def transaction_latency(server, count, user):
    """One client, one message after another: milliseconds from connect to the 250 after the
    data of a 1 KiB message, p50 and p99. smtp-source reports no latencies, so this client
    speaks SMTP itself. The messages are counted like every other workload's."""
    body = b"Subject: latency\r\n\r\n" + (b"x" * 78 + b"\r\n") * 12 + b".\r\n"
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            f = s.makefile("rwb")
            replies = [f.readline()]
            for line in (b"HELO client.bench.test", b"MAIL FROM:<" + SENDER.encode() + b">",
                         ("RCPT TO:<%s@%s>" % (user, DOMAIN)).encode(), b"DATA"):
                f.write(line + b"\r\n")
                f.flush()
                replies.append(f.readline())
            f.write(body)
            f.flush()
            replies.append(f.readline())
            times.append((time.perf_counter() - t0) * 1000)
            f.write(b"QUIT\r\n")
            f.flush()
            f.readline()
        if not replies[-1].startswith(b"250"):
            raise BenchFailure("%s: latency probe: %r" % (server.name, replies))
    new = maildir_new(server, user)
    deadline = time.monotonic() + 60
    while count_files(new) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    if count_files(new) != count:
        raise BenchFailure("%s: latency probe sent %d messages, the Maildir holds %d"
                           % (server.name, count, count_files(new)))
    set_aside(new)
    times.sort()
    return {"p50": times[len(times) // 2], "p99": times[min(len(times) - 1, int(len(times) * 0.99))]}


# ----------------------------------------------------------------------------------------------
# 10,000 idle sessions


def idle_sessions(server, sessions, window):
    """Opens `sessions` connections that read the banner and then say nothing. Reports how many
    were greeted within `window` seconds, the server's memory with all of them open, and how long
    a fresh client then waits for its banner and its 250 for a whole message."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = sessions + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, soft), max(want, hard)))
    selector = selectors.DefaultSelector()
    socks = []
    greeted = 0
    start = time.monotonic()
    deadline = start + window
    opened = 0
    try:
        while time.monotonic() < deadline and (opened < sessions or greeted < opened):
            # Connect in steps, so a full listen queue is a server's answer, not a SYN flood.
            while opened < sessions and opened - greeted < 500:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", server.port))
                selector.register(s, selectors.EVENT_READ)
                socks.append(s)
                opened += 1
            for key, _ in selector.select(0.05):
                s = key.fileobj
                try:
                    data = s.recv(512)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                selector.unregister(s)
                if data.startswith(b"220"):
                    greeted += 1
            if opened >= sessions and greeted >= sessions:
                break
        elapsed = time.monotonic() - start
        memory = memory_bytes(server.pid())
        banner, accepted = fresh_transaction(server.port, 10)
    finally:
        for s in socks:
            s.close()
        selector.close()
    return {"sessions": sessions, "greeted": greeted, "seconds": elapsed, "memory": memory,
            "banner_ms": banner, "message_ms": accepted}


def fresh_transaction(port, timeout):
    """Milliseconds to the banner and to the 250 after the data of one 1 KiB message, or None."""
    t0 = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            f = s.makefile("rwb")
            if not f.readline().startswith(b"220"):
                return None, None
            banner = (time.monotonic() - t0) * 1000
            user = "idle"
            for line in (b"HELO client.bench.test", b"MAIL FROM:<" + SENDER.encode() + b">",
                         b"RCPT TO:<" + user.encode() + b"@" + DOMAIN.encode() + b">", b"DATA"):
                f.write(line + b"\r\n")
                f.flush()
                reply = f.readline()
                if not reply[:1] in (b"2", b"3"):
                    return banner, None
            f.write(b"Subject: idle test\r\n\r\n" + b"x" * 1000 + b"\r\n.\r\n")
            f.flush()
            ok = f.readline().startswith(b"250")
            message = (time.monotonic() - t0) * 1000 if ok else None
            f.write(b"QUIT\r\n")
            f.flush()
            return banner, message
    except OSError:
        return None, None


# ----------------------------------------------------------------------------------------------
# Results


def ratio(a, b, higher_is_better=True):
    if not a or not b:
        return "-"
    return "%.2f" % (a / b)


def median_run(runs):
    """The median of each number over repeated runs; load and steal: the worst seen."""
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]
    return {
        "accepted": median([r["accepted"] for r in runs]),
        "delivered": median([r["delivered"] for r in runs]),
        "cpu": median([r["cpu"] for r in runs]),
        "memory": max(r["memory"] for r in runs),
        "load": (max(r["load"][0] for r in runs), max(r["load"][1] for r in runs)),
        "steal": max(r["steal"] for r in runs),
    }


def mib(n):
    return "%.0f" % (n / MIB)


def render(results, idle, startup, sink, latency, quick, versions, syscalls, repeat, busy):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Bulwark against Postfix, %s%s" % (now, " (--quick)" if quick else ""),
        "",
    ]
    if busy:
        lines += ["**Busy machine: not a headline.** The load average was %s when the run started "
                  "(above %.1f); a busy machine slows Postfix's many processes more than one JVM, so "
                  "these ratios flatter Bulwark." % (versions["load"], BUSY_LOAD), ""]
    lines += [
        "%s, %d cores, %s; %s; smtp-source on the same machine, one connection per message, "
        "virtual Maildir delivery, loopback only. Both servers run side by side; each workload "
        "goes to one and then the other, after an unmeasured warm-up of 300 messages each. "
        "Load average before the run: %s. Each number is the median of %d run%s per server, the "
        "servers alternating which goes first." % (platform.platform(), os.cpu_count(), versions["java"],
                                                     versions["postfix"], versions["load"], repeat,
                                                     "" if repeat == 1 else "s"),
        "",
        "| workload (body x sessions) | messages | accepted msg/s Bulwark | Postfix | ratio "
        "| delivered msg/s Bulwark | Postfix | ratio | CPU ms/msg Bulwark | Postfix "
        "| peak memory MiB Bulwark | Postfix | load before-after (highest) | CPU steal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for w, b, p in results:
        lines.append("| %s | %d | %.0f | %.0f | %s | %.0f | %.0f | %s | %.2f | %.2f | %s | %s | %.2f-%.2f | %.1f%% |" % (
            w.label, w.count, b["accepted"], p["accepted"], ratio(b["accepted"], p["accepted"]),
            b["delivered"], p["delivered"], ratio(b["delivered"], p["delivered"]),
            b["cpu"], p["cpu"], mib(b["memory"]), mib(p["memory"]),
            max(b["load"][0], p["load"][0]), max(b["load"][1], p["load"][1]), max(b["steal"], p["steal"])))
    lines += ["", "Accepted: messages / time for smtp-source to finish (every 250 after a durable "
              "queue commit). Delivered: messages / time until the Maildir holds them all. CPU: "
              "user+system seconds of the whole server (all Postfix processes) from the start of "
              "sending until the queue is empty. Memory: proportional set size (PSS) of all the "
              "server's processes, sampled every 0.5 s. Counted Maildirs are set aside, not deleted, until "
              "the run ends, and each server's directories lie in block groups of their own: on ext4 "
              "without a journal a file creation scans past the inodes its block group freed in the "
              "last minutes, so one server's deletions would slow the other's creations.", ""]
    plain = {w.label: (b, p) for w, b, p in results}
    for w, b, p in results:
        if w.milter and w.label.replace(" + milter", "") in plain:
            b0, p0 = plain[w.label.replace(" + milter", "")]
            lines += ["A no-op milter (bench/noop_milter.py, libmilter) on every message at %s costs Bulwark %.0f %% "
                      "of its accept rate and Postfix %.0f %% of its own." % (
                          w.label.replace(" + milter", ""), 100 * (1 - b["accepted"] / b0["accepted"]),
                          100 * (1 - p["accepted"] / p0["accepted"])), ""]
    if any(syscalls.values()):
        lines += ["System calls per message, 1 KiB x 10 sessions, counted by `strace -C -f` on every "
                  "thread of the server in a separate run (strace slows a server, so that run is not timed). "
                  "fsyncs are split into those of a file's data and those of a directory (a new name made "
                  "durable; concurrent messages share one):", "",
                  "| server | system calls/msg | fsyncs/msg | of files | of directories | the most frequent calls per message |",
                  "| --- | ---: | ---: | ---: | ---: | --- |"]
        for name, r in syscalls.items():
            if r:
                lines.append("| %s | %.1f | %.2f | %.2f | %.2f | %s |" % (
                    name, r["syscalls"], r["fsyncs"], r["file_fsyncs"], r["directory_fsyncs"], ", ".join(
                        "%s %.1f" % (call, per_message) for call, per_message in r["top"])))
        lines.append("")
    if latency:
        lines.append("Per-transaction latency, one client sending 1 KiB messages one after another, from "
                     "connect to the 250 after the data: Bulwark p50 %.2f ms, p99 %.2f ms; Postfix p50 %.2f ms, "
                     "p99 %.2f ms." % (latency["Bulwark"]["p50"], latency["Bulwark"]["p99"],
                                       latency["Postfix"]["p50"], latency["Postfix"]["p99"]))
        lines.append("")
    if sink:
        lines.append("smtp-sink (SMTP only, no disk) at 1 KiB x 10: %.0f msg/s, the ceiling for this client." % sink)
        lines.append("")
    lines.append("Time from launch to the first 220 banner: Bulwark %s, Postfix %s." % (
        " / ".join("%.0f ms" % t for t in startup["Bulwark"]), " / ".join("%.0f ms" % t for t in startup["Postfix"])))
    lines.append("")
    if idle:
        lines += ["| idle sessions | greeted | within s | server memory MiB | a new client's banner ms "
                  "| its 250 for a 1 KiB message ms |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, r in idle:
            lines.append("| %s: %d | %d | %.1f | %s | %s | %s |" % (
                name, r["sessions"], r["greeted"], r["seconds"], mib(r["memory"]),
                "%.0f" % r["banner_ms"] if r["banner_ms"] is not None else "none",
                "%.0f" % r["message_ms"] if r["message_ms"] is not None else "none"))
        lines += ["", "Postfix's smtpd runs one process per session up to default_process_limit (100); "
                  "the rest wait in the listen queue. Bulwark runs a virtual thread per session "
                  "(process limit raised to 20000 in the bench's master.cf).", ""]
    return "\n".join(lines) + "\n"


def chart(results, directory, stem):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return None
    data = os.path.join(directory, stem + ".dat")
    with open(data, "w") as f:
        for w, b, p in results:
            f.write('"%s" %.1f %.1f %.1f %.1f\n' % (w.label, b["accepted"], p["accepted"],
                                                    b["delivered"], p["delivered"]))
    png = os.path.join(directory, stem + ".png")
    script = "\n".join([
        "set terminal pngcairo size 1100,500 noenhanced" if has_cairo(gnuplot) else "set terminal png size 1100,500 noenhanced",
        "set output '%s'" % png,
        "set style data histogram",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key top right",
        "set ylabel 'messages per second'",
        "set title 'Bulwark and Postfix on one machine: accepted and delivered to Maildir'",
        "set xtics rotate by -30",
        "set logscale y",
        "plot '%s' using 2:xtic(1) title 'Bulwark accepted', '' using 3 title 'Postfix accepted', "
        "'' using 4 title 'Bulwark delivered', '' using 5 title 'Postfix delivered'" % data,
        "",
    ])
    subprocess.run([gnuplot], input=script, text=True, check=True, capture_output=True)
    os.remove(data)
    return png


def has_cairo(gnuplot):
    out = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True, text=True)
    return "pngcairo" in (out.stdout + out.stderr)


def update_readme(readme, table_md, png_name):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    with open(readme) as f:
        text = f.read()
    if begin not in text or end not in text:
        return
    body = table_md.split("\n", 2)[2]  # without the results file's own heading
    # The results file's chart line is relative to bench/results/; the README links latest.png.
    body = "\n".join(line for line in body.split("\n") if not line.startswith("![")).rstrip("\n") + "\n"
    if png_name:
        body += "\n![accepted and delivered msg/s](bench/results/%s)\n" % png_name
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(readme, "w") as f:
        f.write(head + begin + "\n" + body + end + tail)


def versions():
    java = subprocess.run([JAVA[0], "-version"],
                          capture_output=True, text=True).stderr.splitlines()
    postfix = subprocess.run(["postconf", "-d", "-h", "mail_version"], capture_output=True, text=True).stdout.strip()
    return {"java": java[0].replace('"', "") if java else "java", "postfix": "Postfix " + postfix,
            "load": LOAD[0]}


# ----------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--idle-sessions", type=int, default=10000)
    parser.add_argument("--only", choices=["Bulwark", "Postfix"])
    parser.add_argument("--repeat", type=int, help="runs of each workload per server (default 3, --quick 1)")
    parser.add_argument("--milter-only", type=int, metavar="COUNT",
                        help="only 1 KiB x 10 with and without the no-op milter, COUNT messages each, "
                             "and the system calls per message of each; prints the milter's cost, writes no results")
    args = parser.parse_args()
    repeat = args.repeat or (1 if args.quick else 3)

    plan = workloads(args.quick)
    if args.milter_only:
        plan = [Workload(KIB, 10, args.milter_only), Workload(KIB, 10, args.milter_only, milter=True)]
        args.idle_sessions = 0
    LOAD[0] = " ".join(open("/proc/loadavg").read().split()[:3])
    users = [w.user for w in plan] + ["idle", "warmup", "latency", "profile"]
    work = tempfile.mkdtemp(prefix="bulwark-bench-")
    os.chmod(work, 0o755)
    # Each server's directories in block groups of their own (ext4's Orlov allocator spreads the
    # subdirectories of a "top" directory): neither pays for the files the other frees.
    subprocess.run(["chattr", "+T", work], capture_output=True)
    servers = [Bulwark(args.root, work), Postfix(work)]
    if args.only:
        servers = [s for s in servers if s.name == args.only]
    measured = {}
    syscalls = {}
    latency = {}
    idle = []
    startup = {"Bulwark": [], "Postfix": []}
    started = []
    milter = start_noop_milter(work) if any(w.milter for w in plan) else None
    try:
        for server in servers:
            server.configure(users)
            # The first start may build caches (the JDK's class data archive); both are shown.
            startup[server.name].append(server.start())
            server.stop()
            time.sleep(0.5)
            startup[server.name].append(server.start())
            started.append(server)
            # Not measured: the JIT compiles the hot paths, Postfix forks its processes.
            run_workload(server, Workload(KIB, 10, 300), "warmup")
        # Each workload on one server and then the other, so that a change in the machine's
        # load (other jobs, the disk's write-back) touches both alike.
        # Repeated runs alternate which server goes first; the tables show medians.
        # --milter-only alternates the two workloads, so that both see the same changes in load.
        rounds = ([(w, rep) for rep in range(repeat) for w in (plan if rep % 2 == 0 else plan[::-1])]
                  if args.milter_only else [(w, rep) for w in plan for rep in range(repeat)])
        for w, rep in rounds:
            for server in (servers if rep % 2 == 0 else servers[::-1]):
                print("bench: %-8s %-14s %5d messages ..." % (server.name, w.label, w.count),
                      end="", flush=True)
                r = run_workload(server, w)
                measured.setdefault((server.name, w.label), []).append(r)
                print(" accepted %6.0f/s delivered %6.0f/s cpu %.2f s/1000 mem %s MiB load %.2f->%.2f"
                      " steal %.1f%%" % (r["accepted"], r["delivered"], r["cpu"], mib(r["memory"]),
                                         r["load"][0], r["load"][1], r["steal"]), flush=True)
        if args.milter_only:
            for server in servers:
                for w in plan:
                    runs = measured[(server.name, w.label)]
                    print("bench: %-8s %-14s median accepted %6.0f/s" % (
                        server.name, w.label, median_run(runs)["accepted"]))
                plain, milter_run = (median_run(measured[(server.name, w.label)]) for w in plan)
                print("bench: %-8s the no-op milter costs %.0f %% of the accept rate (load %s)" % (
                    server.name, 100 * (1 - milter_run["accepted"] / plain["accepted"]), LOAD[0]))
                for with_milter in (False, True):
                    profile = syscall_profile(server, 300, "profile", with_milter)
                    if profile:
                        print("bench: %-8s %-9s %.1f system calls per message: %s" % (
                            server.name, "milter" if with_milter else "no milter", profile["syscalls"],
                            ", ".join("%s %.1f" % (n, c) for n, c in profile["top"])), flush=True)
            return 0
        for server in servers:
            syscalls[server.name] = syscall_profile(server, 300 if args.quick else 1000, "profile")
            if syscalls[server.name]:
                print("bench: %-8s %.1f system calls and %.2f fsyncs per message (%.2f of files, %.2f of directories)" % (
                    server.name, syscalls[server.name]["syscalls"], syscalls[server.name]["fsyncs"],
                    syscalls[server.name]["file_fsyncs"], syscalls[server.name]["directory_fsyncs"]), flush=True)
        for server in servers:
            latency[server.name] = transaction_latency(server, 200 if args.quick else 1000, "latency")
            print("bench: %-8s latency p50 %.2f ms p99 %.2f ms" % (
                server.name, latency[server.name]["p50"], latency[server.name]["p99"]), flush=True)
        if args.idle_sessions:
            for server in servers:
                window = 60 if server.name == "Bulwark" else 20
                print("bench: %-8s %d idle sessions ..." % (server.name, args.idle_sessions), end="", flush=True)
                r = idle_sessions(server, args.idle_sessions, window)
                idle.append((server.name, r))
                print(" %d greeted in %.1f s, memory %s MiB, new client banner %s ms" % (
                    r["greeted"], r["seconds"], mib(r["memory"]), r["banner_ms"]), flush=True)
        sink = run_sink(2000 if args.quick else 10000)
    except BenchFailure as e:
        print("\nbench: FAILED: %s" % e, file=sys.stderr)
        print("bench: work directory kept: %s" % work, file=sys.stderr)
        return 1
    finally:
        for server in started:
            server.stop()
        if milter:
            milter.terminate()
            milter.wait()
    if args.only:
        shutil.rmtree(work, ignore_errors=True)
        return 0
    results = [(w, median_run(measured[("Bulwark", w.label)]), median_run(measured[("Postfix", w.label)]))
               for w in plan]
    busy = float(LOAD[0].split()[0]) > BUSY_LOAD
    md = render(results, idle, startup, sink, latency, args.quick, versions(), syscalls, repeat, busy)
    directory = os.path.join(args.root, "bench", "results")
    os.makedirs(directory, exist_ok=True)
    stem = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M") + ("-quick" if args.quick else "")
    png = chart(results, directory, stem)
    if png:
        shutil.copyfile(png, os.path.join(directory, "latest.png"))
        md += "\n![accepted and delivered msg/s](%s)\n" % os.path.basename(png)
    for name in (stem + ".md", "latest.md"):
        with open(os.path.join(directory, name), "w") as f:
            f.write(md)
    # The README's numbers come only from a quiet machine and the median of at least 3 runs.
    if not busy and repeat >= 3 and not args.quick:
        update_readme(os.path.join(args.root, "README.md"), md, "latest.png" if png else None)
    else:
        print("bench: README not updated: %s" % ("busy machine (load %s)" % LOAD[0] if busy
                                                  else "fewer than 3 runs per workload"), file=sys.stderr)
    print(md)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
