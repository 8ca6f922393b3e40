package org.bulwark.milter;

import java.io.IOException;

/** A milter broke the protocol or the connection failed; the message is the log line's reason. */
final class MilterException extends IOException {

    MilterException(String reason) {
        super(reason);
    }
}
