package org.bulwark.delivery;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;

/** Mailbox directories created on first delivery, private to their owner, as Postfix creates them. */
final class Directories {

    private Directories() {
    }

    /** Creates {@code directory} and missing parents with mode 0700, each given to {@code owner}. */
    static Path create(Path directory, Owner owner) throws IOException {
        if (Files.isDirectory(directory)) {
            return directory;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = directory.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                owner.apply(p);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another delivery made it first; fine if it is a directory, checked below.
            }
        }
        if (!Files.isDirectory(directory)) {
            throw new java.nio.file.NotDirectoryException(directory.toString());
        }
        return directory;
    }

    /** "create /path: reason", the way a failed system call reads in Postfix's logs. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fse) {
            String reason = fse.getReason();
            String kind = fse.getClass().getSimpleName();
            if (reason == null) {
                reason = switch (kind) {
                    case "AccessDeniedException" -> "Permission denied";
                    case "NotDirectoryException" -> "Not a directory";
                    case "FileAlreadyExistsException" -> "File exists";
                    case "NoSuchFileException" -> "No such file or directory";
                    default -> "I/O error";
                };
            }
            return (fse.getFile() == null ? "" : fse.getFile() + ": ") + reason;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
