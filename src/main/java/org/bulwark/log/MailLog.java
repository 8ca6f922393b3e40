package org.bulwark.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The maillog: one line per event in syslog's traditional form, as Postfix writes it, so that
 * pflogsumm and fail2ban read it unchanged:
 * {@code Nov 23 17:41:02 mail postfix/smtpd[4242]: connect from localhost[127.0.0.1]}.
 * Lines go to {@code maillog_file}, or to standard output when that is unset or {@code -}.
 */
public final class MailLog implements AutoCloseable {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private final Sink sink;
    private final boolean ownsStream;
    private final String hostname;
    private final String syslogName;
    private final long pid = ProcessHandle.current().pid();
    private final java.util.List<java.util.function.Consumer<String>> observers;
    /** The stamp of the current second: a busy server logs several lines a message, formatting it once. */
    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    private MailLog(PrintStream out, boolean ownsStream, String hostname, String syslogName) {
        this.sink = new Sink(out);
        this.ownsStream = ownsStream;
        this.hostname = shortName(hostname);
        this.syslogName = syslogName;
        this.observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    private MailLog(MailLog parent, String syslogName) {
        this.sink = parent.sink;
        this.ownsStream = false;
        this.hostname = parent.hostname;
        this.syslogName = syslogName;
        this.observers = parent.observers;
    }

    /**
     * The same log under another syslog_name, as a master.cf service's {@code -o
     * syslog_name=postfix/submission} gives: {@code postfix/submission/smtpd[4242]: ...}. Lines go
     * to the same file and observers; closing it leaves the file open.
     */
    public MailLog named(String otherSyslogName) {
        return otherSyslogName.equals(syslogName) ? this : new MailLog(this, otherSyslogName);
    }

    /** Opens {@code maillogFile} for appending; "" or "-" means standard output. */
    public static MailLog open(String maillogFile, String hostname, String syslogName) throws IOException {
        if (maillogFile == null || maillogFile.isEmpty() || maillogFile.equals("-")) {
            return new MailLog(System.out, false, hostname, syslogName);
        }
        Path path = Path.of(maillogFile);
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        OutputStream file = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new MailLog(new PrintStream(file, true, StandardCharsets.UTF_8), true, hostname, syslogName);
    }

    /** A log that writes to the given stream, for tools and tests. */
    public static MailLog to(PrintStream out, String hostname, String syslogName) {
        return new MailLog(out, false, hostname, syslogName);
    }

    /** The logger for one program name, e.g. {@code smtpd}, {@code qmgr}, {@code local}. */
    public Logger program(String program) {
        return new Logger(this, syslogName + "/" + program + "[" + pid + "]: ");
    }

    /**
     * Lets {@code observer} see every line as written, without date and host
     * ({@code postfix/smtpd[4242]: connect from ...}): the metrics count what the log says.
     */
    public void observe(java.util.function.Consumer<String> observer) {
        observers.add(observer);
    }

    void write(String prefix, String message) {
        for (var observer : observers) {
            observer.accept(prefix + message);
        }
        sink.write((stamp() + " " + hostname + " " + prefix + message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Keeps the lines this thread logs to this file from now until the hold is closed, then writes
     * them in one write: for a short stretch of work whose lines are written together anyway, such
     * as a delivery's result and its message's removal. Never around anything that waits on a
     * peer: the lines would appear that much later. Observers see each line at once. A hold taken
     * while one is open does nothing.
     */
    public Hold hold() {
        if (sink.held.get() != null) {
            return Hold.NONE;
        }
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream(512);
        sink.held.set(lines);
        return () -> {
            sink.held.remove();
            if (lines.size() > 0) {
                sink.write(lines.toByteArray());
            }
        };
    }

    /** Lines held by {@link #hold()}; closing writes them. */
    @FunctionalInterface
    public interface Hold extends AutoCloseable {
        Hold NONE = () -> { };

        @Override
        void close();
    }

    private String stamp() {
        long millis = System.currentTimeMillis();
        long now = millis / 1000;
        Stamp current = stamp;
        if (current.second != now) {
            // The zone from java.util.TimeZone, not ZoneId: the first ZoneId looks for time zone
            // providers in every jar on the class path, a search of about 7 ms at the launch,
            // whose first log line comes before the first 220.
            current = new Stamp(now, syslogTime(now, java.util.TimeZone.getDefault().getOffset(millis) / 1000));
            stamp = current;
        }
        return current.text;
    }

    /** syslog's {@code MMM dd HH:mm:ss}: English month, day padded with a space ({@code Dec  7 09:05:01}). */
    static String syslogTime(long epochSecond, int offsetSeconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.ofTotalSeconds(offsetSeconds));
        return MONTHS[t.getMonthValue() - 1] + (t.getDayOfMonth() < 10 ? "  " : " ") + t.getDayOfMonth() + " "
                + twoDigits(t.getHour()) + ":" + twoDigits(t.getMinute()) + ":" + twoDigits(t.getSecond());
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    private record Stamp(long second, String text) {
    }

    private static String shortName(String hostname) {
        int dot = hostname.indexOf('.');
        return dot > 0 ? hostname.substring(0, dot) : hostname;
    }

    @Override
    public void close() {
        sink.write(new byte[0]); // what other threads left pending, unless one of them is writing it
        if (ownsStream) {
            sink.out.close();
        } else {
            sink.out.flush();
        }
    }

    /**
     * Where lines go, whole and in order. A busy server logs several lines per message from many
     * threads: a line that arrives while another thread is writing waits in {@code pending} and
     * goes out with the lines gathered next to it in one write, instead of one system call per line.
     * Nothing waits on a timer, so a lone line is written at once.
     */
    private static final class Sink {
        private final PrintStream out;
        private final ReentrantLock lock = new ReentrantLock();
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(4096);
        /** A thread is writing and will also write what is pending when it is done. */
        private boolean writing;
        /** The lines a thread holds back; see {@link MailLog#hold()}. */
        private final ThreadLocal<java.io.ByteArrayOutputStream> held = new ThreadLocal<>();

        Sink(PrintStream out) {
            this.out = out;
        }

        void write(byte[] line) {
            java.io.ByteArrayOutputStream holding = held.get();
            if (holding != null) {
                holding.writeBytes(line);
                return;
            }
            lock.lock();
            try {
                pending.writeBytes(line);
                if (writing) {
                    return;
                }
                writing = true;
            } finally {
                lock.unlock();
            }
            drain();
        }

        /** Writes what is pending until nothing is; only the thread that took the writing turn calls this. */
        private void drain() {
            boolean done = false;
            try {
                while (!done) {
                    byte[] batch;
                    lock.lock();
                    try {
                        batch = pending.toByteArray();
                        pending.reset();
                        done = batch.length == 0;
                        if (done) {
                            writing = false;
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (!done) {
                        out.write(batch, 0, batch.length); // a PrintStream: errors are kept, not thrown
                        out.flush();
                    }
                }
            } finally {
                if (!done) {
                    lock.lock();
                    try {
                        writing = false;
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }
    }

    /** Writes lines for one program. Postfix prefixes problems with {@code warning:}, {@code fatal:}. */
    public static final class Logger {
        private final MailLog log;
        private final String prefix;

        Logger(MailLog log, String prefix) {
            this.log = log;
            this.prefix = prefix;
        }

        public void info(String message) {
            log.write(prefix, message);
        }

        public void warning(String message) {
            log.write(prefix, "warning: " + message);
        }

        public void error(String message) {
            log.write(prefix, "error: " + message);
        }

        public void fatal(String message) {
            log.write(prefix, "fatal: " + message);
        }
    }
}
