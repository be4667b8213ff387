package io.cloudterm.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The single user:password of --credential, checked against HTTP Basic Authorization headers. */
public final class BasicCredential {

    /** The environment variable that may hold user:password, kept out of the command line (and of the terminals' environment). */
    public static final String ENVIRONMENT_VARIABLE = "CLOUDTERM_CREDENTIAL";

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final String user;
    /** Only the hash is kept, so the password itself does not stay in memory. */
    private final String expectedHash;

    private BasicCredential(String user, String expectedHash) {
        this.user = user;
        this.expectedHash = expectedHash;
    }

    /** Parses {@code user:password}; the password may contain colons, the user may not. */
    public static BasicCredential parse(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        if (colon <= 0 || colon == userColonPassword.length() - 1) {
            throw new IllegalArgumentException("--credential must look like user:password");
        }
        return new BasicCredential(userColonPassword.substring(0, colon), Secrets.sha256(userColonPassword));
    }

    /**
     * The user:password line of a credential file. Refused, as ssh refuses a private key, when anyone
     * but its owner has any access to it (a password others can read is no secret); the message
     * names the chmod that fixes it. The content is never repeated in a message.
     */
    public static String readFile(Path file) {
        String name = "--credential-file " + file;
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(name + " is not a file");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new IllegalArgumentException(name + " can be read or changed by other users; run: chmod 600 " + file);
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + " is not a file");
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(name + ": this file system has no POSIX permissions to keep it private");
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String line = lines.size() == 1 ? lines.getFirst().strip() : "";
        try {
            parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must hold one line user:password");
        }
        return line;
    }

    public String user() {
        return user;
    }

    /** The principal if {@code authorization} is a Basic header with the right user and password. */
    public Optional<Principal> check(String authorization) {
        return BasicHeader.parse(authorization)
                .filter(header -> Secrets.equal(Secrets.sha256(header.userColonPassword()), expectedHash))
                .map(header -> new Principal(user));
    }
}
