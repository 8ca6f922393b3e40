package org.bulwark.protocol;

/** How a piece of input ended: a proper CRLF, a bare LF, or not at all (the segment was cut at a limit). */
public enum LineEnding {
    CRLF,
    BARE_LF,
    NONE
}
