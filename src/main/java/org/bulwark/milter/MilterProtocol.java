package org.bulwark.milter;

/**
 * The wire constants of the milter protocol (libmilter's mfdef.h): command codes the MTA sends,
 * reply codes the milter sends, and the bit masks of option negotiation.
 */
final class MilterProtocol {

    // Commands, MTA to milter (SMFIC_*).
    static final byte ABORT = 'A';
    static final byte BODY = 'B';
    static final byte CONNECT = 'C';
    static final byte MACRO = 'D';
    static final byte BODYEOB = 'E';
    static final byte HELO = 'H';
    static final byte HEADER = 'L';
    static final byte MAIL = 'M';
    static final byte EOH = 'N';
    static final byte OPTNEG = 'O';
    static final byte QUIT = 'Q';
    /** Quit, a new connection follows (protocol 6): the milter forgets the session and keeps the socket. */
    static final byte QUIT_NC = 'K';
    static final byte RCPT = 'R';
    static final byte DATA = 'T';
    static final byte UNKNOWN = 'U';

    // Replies, milter to MTA (SMFIR_*).
    static final byte R_ADDRCPT = '+';
    static final byte R_DELRCPT = '-';
    static final byte R_ADDRCPT_PAR = '2';
    static final byte R_SHUTDOWN = '4';
    static final byte R_ACCEPT = 'a';
    static final byte R_REPLBODY = 'b';
    static final byte R_CONTINUE = 'c';
    static final byte R_DISCARD = 'd';
    static final byte R_CHGFROM = 'e';
    static final byte R_CONNFAIL = 'f';
    static final byte R_ADDHEADER = 'h';
    static final byte R_INSHEADER = 'i';
    static final byte R_SETSYMLIST = 'l';
    static final byte R_CHGHEADER = 'm';
    static final byte R_PROGRESS = 'p';
    static final byte R_QUARANTINE = 'q';
    static final byte R_REJECT = 'r';
    static final byte R_SKIP = 's';
    static final byte R_TEMPFAIL = 't';
    static final byte R_REPLYCODE = 'y';

    // Actions the milter may ask for (SMFIF_*); we offer all of them, as Postfix does.
    static final int F_ADDHDRS = 0x01;
    static final int F_CHGBODY = 0x02;
    static final int F_ADDRCPT = 0x04;
    static final int F_DELRCPT = 0x08;
    static final int F_CHGHDRS = 0x10;
    static final int F_QUARANTINE = 0x20;
    static final int F_CHGFROM = 0x40;
    static final int F_ADDRCPT_PAR = 0x80;
    static final int F_SETSYMLIST = 0x100;
    static final int MY_ACTIONS = F_ADDHDRS | F_CHGBODY | F_ADDRCPT | F_DELRCPT | F_CHGHDRS | F_QUARANTINE
            | F_CHGFROM | F_ADDRCPT_PAR | F_SETSYMLIST;

    // Protocol steps the milter may decline (SMFIP_*).
    static final int P_NOCONNECT = 0x1;
    static final int P_NOHELO = 0x2;
    static final int P_NOMAIL = 0x4;
    static final int P_NORCPT = 0x8;
    static final int P_NOBODY = 0x10;
    static final int P_NOHDRS = 0x20;
    static final int P_NOEOH = 0x40;
    static final int P_NR_HDR = 0x80;
    static final int P_NOUNKNOWN = 0x100;
    static final int P_NODATA = 0x200;
    static final int P_SKIP = 0x400;
    static final int P_RCPT_REJ = 0x800;
    static final int P_NR_CONN = 0x1000;
    static final int P_NR_HELO = 0x2000;
    static final int P_NR_MAIL = 0x4000;
    static final int P_NR_RCPT = 0x8000;
    static final int P_NR_DATA = 0x10000;
    static final int P_NR_UNKN = 0x20000;
    static final int P_NR_EOH = 0x40000;
    static final int P_NR_BODY = 0x80000;
    static final int P_HDR_LEADSPC = 0x100000;

    /** The "do not send" bits: a stage outside the negotiated version is never sent. */
    static final int NOSEND_MASK = P_NOCONNECT | P_NOHELO | P_NOMAIL | P_NORCPT | P_NOBODY | P_NOHDRS | P_NOEOH
            | P_NOUNKNOWN | P_NODATA;
    static final int NOREPLY_MASK = P_NR_CONN | P_NR_HELO | P_NR_MAIL | P_NR_RCPT | P_NR_DATA | P_NR_UNKN
            | P_NR_EOH | P_NR_BODY | P_NR_HDR;

    static final int V2_MASK = P_NOCONNECT | P_NOHELO | P_NOMAIL | P_NORCPT | P_NOBODY | P_NOHDRS | P_NOEOH;
    static final int V3_MASK = V2_MASK | P_NOUNKNOWN;
    static final int V4_MASK = V3_MASK | P_NODATA;
    static final int V6_MASK = V4_MASK | P_SKIP | P_RCPT_REJ | NOREPLY_MASK | P_HDR_LEADSPC;

    /** Body chunks are at most this long (libmilter's MILTER_CHUNK_SIZE). */
    static final int CHUNK_SIZE = 65535;

    /**
     * The longest frame we read. libmilter's largest (SMFIP_MDS_1M) is one mebibyte of data; a
     * reply bigger than that is not a milter speaking (clamd's plain port answers text, whose first
     * four bytes read as a length of a gigabyte).
     */
    static final int MAX_FRAME = 1024 * 1024 + 64;

    /** Connect address families (SMFIA_*). */
    static final byte FAMILY_UNKNOWN = 'U';
    static final byte FAMILY_UNIX = 'L';
    static final byte FAMILY_INET = '4';
    static final byte FAMILY_INET6 = '6';

    private MilterProtocol() {
    }

    /** The event mask of a protocol version; an unknown version uses the next lower one, as Postfix does. */
    static int versionMask(int version) {
        if (version >= 6) {
            return V6_MASK;
        }
        if (version >= 4) {
            return V4_MASK;
        }
        return version == 3 ? V3_MASK : V2_MASK;
    }

    /** Postfix's names for commands, for log lines. */
    static String commandName(byte command) {
        return switch (command) {
            case ABORT -> "SMFIC_ABORT";
            case BODY -> "SMFIC_BODY";
            case CONNECT -> "SMFIC_CONNECT";
            case MACRO -> "SMFIC_MACRO";
            case BODYEOB -> "SMFIC_BODYEOB";
            case HELO -> "SMFIC_HELO";
            case HEADER -> "SMFIC_HEADER";
            case MAIL -> "SMFIC_MAIL";
            case EOH -> "SMFIC_EOH";
            case OPTNEG -> "SMFIC_OPTNEG";
            case QUIT -> "SMFIC_QUIT";
            case RCPT -> "SMFIC_RCPT";
            case DATA -> "SMFIC_DATA";
            case UNKNOWN -> "SMFIC_UNKNOWN";
            default -> "(unknown MTA event)";
        };
    }

    /** Postfix's names for replies, for log lines. */
    static String replyName(byte reply) {
        return switch (reply) {
            case R_ADDRCPT -> "SMFIR_ADDRCPT";
            case R_DELRCPT -> "SMFIR_DELRCPT";
            case R_ADDRCPT_PAR -> "SMFIR_ADDRCPT_PAR";
            case R_SHUTDOWN -> "SMFIR_SHUTDOWN";
            case R_ACCEPT -> "SMFIR_ACCEPT";
            case R_REPLBODY -> "SMFIR_REPLBODY";
            case R_CONTINUE -> "SMFIR_CONTINUE";
            case R_DISCARD -> "SMFIR_DISCARD";
            case R_CHGFROM -> "SMFIR_CHGFROM";
            case R_CONNFAIL -> "SMFIR_CONN_FAIL";
            case R_ADDHEADER -> "SMFIR_ADDHEADER";
            case R_INSHEADER -> "SMFIR_INSHEADER";
            case R_SETSYMLIST -> "SMFIR_SETSYMLIST";
            case R_CHGHEADER -> "SMFIR_CHGHEADER";
            case R_PROGRESS -> "SMFIR_PROGRESS";
            case R_QUARANTINE -> "SMFIR_QUARANTINE";
            case R_REJECT -> "SMFIR_REJECT";
            case R_SKIP -> "SMFIR_SKIP";
            case R_TEMPFAIL -> "SMFIR_TEMPFAIL";
            case R_REPLYCODE -> "SMFIR_REPLYCODE";
            case OPTNEG -> "SMFIC_OPTNEG";
            default -> "(unknown filter reply)";
        };
    }
}
