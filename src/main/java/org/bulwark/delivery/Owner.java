package org.bulwark.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whose mailbox files are created. Only a server running as root can give files away; any other
 * process writes as itself ({@link #CURRENT}), as Postfix's delivery agents do when unprivileged.
 */
public record Owner(long uid, long gid) {

    /** Leave the ownership a new file gets from the process. */
    public static final Owner CURRENT = new Owner(-1, -1);

    private static final boolean ROOT = detectRoot();
    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;

    public static boolean runningAsRoot() {
        return ROOT;
    }

    /** The owner to give files to: {@code uid:gid} when running as root, else {@link #CURRENT}. */
    public static Owner of(long uid, long gid) {
        return ROOT ? new Owner(uid, gid) : CURRENT;
    }

    public boolean isCurrent() {
        return uid < 0;
    }

    /** Gives a file or directory this process just created to the owner. */
    public void apply(Path path) throws IOException {
        if (isCurrent()) {
            return;
        }
        Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether this owner could write {@code path} itself, judged from its mode bits without
     * following a symbolic link. Root writes on the owner's behalf, so it must not write where the
     * owner could not, nor through a link the owner may have planted.
     */
    public boolean mayWrite(Path path) throws IOException {
        if (isCurrent() && !ROOT) {
            return true; // an unprivileged process writes as itself: the kernel judges, a link gains nothing
        }
        // One lstat answers both: the mode holds the file type (a Maildir delivery asks this of
        // three directories per message).
        java.util.Map<String, Object> a = Files.readAttributes(path, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        if (((Integer) a.get("mode") & S_IFMT) == S_IFLNK) {
            return false;
        }
        return isCurrent() || permits(a, 0200);
    }

    /** Whether this owner could read {@code path} itself, judged from the mode bits of what it names. */
    public boolean mayRead(Path path) throws IOException {
        return isCurrent() || permits(Files.readAttributes(path, "unix:uid,gid,mode"), 0400);
    }

    /**
     * The owner's, the group's or everyone's permission bit in {@code a} (a file's unix:uid, gid
     * and mode), like the kernel's check (primary group only).
     */
    private boolean permits(java.util.Map<String, Object> a, int ownerBit) {
        int mode = (Integer) a.get("mode");
        if (((Integer) a.get("uid")) == uid) {
            return (mode & ownerBit) != 0;
        }
        if (((Integer) a.get("gid")) == gid) {
            return (mode & (ownerBit >> 3)) != 0;
        }
        return (mode & (ownerBit >> 6)) != 0;
    }

    private static boolean detectRoot() {
        try {
            Path probe = Path.of("/proc/self");
            return ((Integer) Files.getAttribute(probe, "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
