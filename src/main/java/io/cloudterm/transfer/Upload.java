package io.cloudterm.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes an uploaded file into a directory: streamed through one small buffer (a file of any size
 * costs the same memory), counted against a limit as it comes, into a hidden temporary file of the
 * same directory (the same file system, so that the last step is a rename), and only then given
 * its name. Nobody sees half a file under the name, and a file that appears under the name while
 * the upload runs is never replaced unless replacing was asked for: the name is claimed with
 * {@code O_CREAT|O_EXCL} first, which fails if anything holds it, and the rename then replaces
 * only that claim.
 *
 * <p>Files are created as any program of the server's user creates them (mode 0666 less the
 * umask): the terminals run as that same user.
 */
public final class Upload {

    /** Prefix of the temporary files: hidden from a plain {@code ls}, and recognisable if a crash leaves one. */
    static final String TEMPORARY_PREFIX = ".cloudterm-upload-";
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The body was larger than the limit; nothing was kept. */
    public static final class TooLarge extends Exception {
        TooLarge(long limit) {
            super("the file is larger than this server's upload limit of " + Sizes.human(limit), null, false, false);
        }
    }

    /** A file (or directory) of that name is there, and replacing it was not asked for. */
    public static final class AlreadyExists extends Exception {
        AlreadyExists(String name) {
            super(name + " exists already", null, false, false);
        }
    }

    private Upload() {
    }

    /**
     * Refuses early, before any byte is read, what would be refused at the end: the name taken
     * without {@code overwrite}, or a declared size over {@code limit} ({@code declared} &lt; 0:
     * not declared).
     */
    public static void precheck(Path directory, UploadName name, long declared, long limit, boolean overwrite)
            throws TooLarge, AlreadyExists {
        if (declared > limit) {
            throw new TooLarge(limit);
        }
        if (!overwrite && Files.exists(directory.resolve(name.value()), LinkOption.NOFOLLOW_LINKS)) {
            throw new AlreadyExists(name.value());
        }
    }

    /**
     * Writes {@code body} into {@code directory} as {@code name}; returns the bytes written.
     * With {@code overwrite}, an existing file of that name is replaced (a directory never is).
     */
    public static long write(Path directory, UploadName name, InputStream body, long limit, boolean overwrite)
            throws TooLarge, AlreadyExists, IOException {
        Path target = directory.resolve(name.value());
        Path temporary = directory.resolve(TEMPORARY_PREFIX + HexFormat.of().formatHex(randomBytes()) + ".part");
        boolean placed = false;
        try {
            long written = 0;
            try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER_BYTES];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    written += n;
                    if (written > limit) {
                        throw new TooLarge(limit);
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new AlreadyExists(name.value() + " (a directory)");
            }
            if (!overwrite) {
                try {
                    Files.createFile(target); // the claim: O_EXCL, so a file created meanwhile stays as it is
                } catch (FileAlreadyExistsException e) {
                    throw new AlreadyExists(name.value());
                }
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    Files.deleteIfExists(target); // our own empty claim, nobody else's file
                    throw e;
                }
            } else {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            }
            placed = true;
            return written;
        } finally {
            if (!placed) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
