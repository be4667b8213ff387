package io.cloudterm.auth;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The single user:password of --credential, checked against HTTP Basic Authorization headers. */
public final class BasicCredential {

    /** The environment variable that may hold user:password, kept out of the command line (and of the terminals' environment). */
    public static final String ENVIRONMENT_VARIABLE = "CLOUDTERM_CREDENTIAL";

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
     * The user:password line of a credential file, which only its owner may access (see
     * {@link PrivateFile}). The content is never repeated in a message.
     */
    public static String readFile(Path file) {
        String name = "--credential-file " + file;
        List<String> lines = PrivateFile.readLines(file, name);
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
