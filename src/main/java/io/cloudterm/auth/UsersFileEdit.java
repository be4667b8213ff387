package io.cloudterm.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Sets one user's password in a users file, as {@code cloudterm passwd} does: the user's line (the
 * first one that counts, as {@link UsersFile} reads it) is replaced, or a line is added at the end;
 * every other byte stays as it was, comments and malformed lines included.
 *
 * <p>The new file is written beside the old one, flushed to disk, given the old one's permissions
 * and owner (0600 for a new file), and renamed over it, and the directory is flushed: a server
 * reading it, or a crash, sees the old file or the new one, never half of one.
 */
public final class UsersFileEdit {

    /** What happened to the user. */
    public enum Change {
        ADDED, CHANGED
    }

    /** The file's new bytes and what changed. */
    record Edited(byte[] content, Change change) {
    }

    private UsersFileEdit() {
    }

    /** Fails, with words for the user, if {@code file} exists but cannot be read, or could not be created. */
    public static void checkUsable(Path file) throws IOException {
        read(file);
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new IOException("directory " + directory + " does not exist");
        }
    }

    /** Gives {@code user} the password of {@code hash} (as {@link PasswordHashes#hash} makes it) in {@code file}. */
    public static Change setPassword(Path file, String user, String hash) throws IOException {
        if (BcryptHash.parse(hash).isEmpty()) {
            throw new IllegalArgumentException("not a bcrypt hash");
        }
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath(); // rename onto the file, not a link to it
        byte[] old = read(target);
        Edited edited = withAccount(old == null ? new byte[0] : old, user, hash);
        try {
            replace(target, edited.content(), old != null);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + UsersFile.reason(e), e);
        }
        return edited.change();
    }

    /** {@code content} with {@code user:hash} in place of the user's line, or at the end. */
    static Edited withAccount(byte[] content, String user, String hash) {
        byte[] account = (user + ":" + hash).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + account.length + 2);
        for (UsersFileLine line : UsersFileLine.split(content)) {
            if (line.meaning() instanceof UsersFileLine.Account a && a.user().equals(user)) {
                out.write(content, 0, line.start());
                out.write(account, 0, account.length);
                out.write(content, line.end(), content.length - line.end());
                return new Edited(out.toByteArray(), Change.CHANGED);
            }
        }
        boolean crlf = endsWith(content, "\r\n");
        out.write(content, 0, content.length);
        if (content.length > 0 && !endsWith(content, "\n")) {
            out.write('\n');
        }
        out.write(account, 0, account.length);
        out.writeBytes((crlf ? "\r\n" : "\n").getBytes(StandardCharsets.US_ASCII));
        return new Edited(out.toByteArray(), Change.ADDED);
    }

    /** The file's bytes, or null if there is no file. */
    private static byte[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + UsersFile.reason(e), e);
        }
    }

    private static void replace(Path target, byte[] content, boolean existed) throws IOException {
        Path directory = target.getParent();
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            if (existed) {
                keepAttributes(target, temp);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces the old file at once
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true); // makes the rename itself durable
        }
    }

    /** Gives {@code temp} the permissions, owner and group of {@code original}, or fails rather than change them. */
    private static void keepAttributes(Path original, Path temp) throws IOException {
        PosixFileAttributes was = Files.readAttributes(original, PosixFileAttributes.class);
        PosixFileAttributeView now = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        try {
            if (!now.readAttributes().owner().equals(was.owner())) {
                now.setOwner(was.owner());
            }
            if (!now.readAttributes().group().equals(was.group())) {
                now.setGroup(was.group());
            }
        } catch (IOException e) {
            throw new IOException("cannot keep the owner " + was.owner().getName() + " and group " + was.group().getName()
                    + " of " + original + " (" + UsersFile.reason(e) + ")", e);
        }
        now.setPermissions(was.permissions());
    }

    private static boolean endsWith(byte[] content, String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        return content.length >= s.length
                && java.util.Arrays.equals(content, content.length - s.length, content.length, s, 0, s.length);
    }
}
