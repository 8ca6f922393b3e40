package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The byte stream under one SMTP or LMTP session: a TCP socket ({@link TcpWire}) or, for LMTP, a
 * unix-domain socket ({@link UnixWire}). Reads honour the time limit last set; closing is quiet.
 */
sealed interface Wire permits TcpWire, UnixWire {

    InputStream in();

    OutputStream out();

    /** The time limit of each following read; a read that exceeds it throws SocketTimeoutException. */
    void readTimeout(Duration timeout) throws IOException;

    boolean isOpen();

    void close();
}
