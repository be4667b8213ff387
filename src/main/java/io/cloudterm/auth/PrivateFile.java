package io.cloudterm.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A file that holds a secret (a credential, a gateway key). Refused, as ssh refuses a private key,
 * when anyone but its owner has any access to it (a secret others can read is no secret); the
 * message names the chmod that fixes it. The content is never repeated in a message.
 */
final class PrivateFile {

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFile() {
    }

    /** The lines of {@code file}; {@code name} says which file in messages (e.g. "--credential-file /etc/ct"). */
    static List<String> readLines(Path file, String name) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(name + " is not a file");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new IllegalArgumentException(name + " can be read or changed by other users; run: chmod 600 " + file);
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + " is not a file");
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(name + ": this file system has no POSIX permissions to keep it private");
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
