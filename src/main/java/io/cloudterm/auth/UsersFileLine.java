package io.cloudterm.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of a users file in htpasswd's format ({@code name:$2y$11$...}), with its number and where
 * its bytes lie, so that the server and {@code cloudterm passwd} read a file the same way and
 * {@code passwd} can rewrite one line and leave every other byte alone.
 *
 * @param start first byte of the line
 * @param end   end of its text: before its {@code \n}, or {@code \r\n}
 */
public record UsersFileLine(int number, int start, int end, Meaning meaning) {

    /** What a line says. */
    public sealed interface Meaning permits Account, Nothing, Malformed {
    }

    /** A user and the hash of their password. */
    public record Account(String user, BcryptHash hash) implements Meaning {
    }

    /** A blank line or a {@code #} comment. */
    public record Nothing() implements Meaning {
    }

    /** A line that is none of those; {@code reason} never quotes it, as it may hold a password. */
    public record Malformed(String reason) implements Meaning {
    }

    /** Every line of {@code content}, numbered from 1; a last line without {@code \n} counts too. */
    public static List<UsersFileLine> split(byte[] content) {
        List<UsersFileLine> lines = new ArrayList<>();
        int start = 0;
        while (start < content.length) {
            int newline = start;
            while (newline < content.length && content[newline] != '\n') {
                newline++;
            }
            int end = newline > start && content[newline - 1] == '\r' ? newline - 1 : newline;
            lines.add(new UsersFileLine(lines.size() + 1, start, end, meaning(content, start, end)));
            start = newline + 1;
        }
        return lines;
    }

    /** Why {@code name} cannot be a user name in the file, if it cannot. */
    public static Optional<String> userNameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("the user name is empty");
        }
        if (name.startsWith("#")) {
            return Optional.of("a user name cannot start with #, which starts a comment");
        }
        if (name.indexOf(':') >= 0) {
            return Optional.of("a user name cannot contain ':'");
        }
        if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c))) {
            return Optional.of("a user name cannot contain spaces or control characters");
        }
        return Optional.empty();
    }

    private static Meaning meaning(byte[] content, int start, int end) {
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            return new Malformed("not UTF-8 text");
        }
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return new Nothing();
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            return new Malformed("no ':' between a user name and a hash");
        }
        String user = line.substring(0, colon);
        Optional<String> problem = userNameProblem(user);
        if (problem.isPresent()) {
            return new Malformed(problem.get());
        }
        return BcryptHash.parse(line.substring(colon + 1).stripTrailing())
                .<Meaning>map(hash -> new Account(user, hash))
                .orElseGet(() -> new Malformed("not a bcrypt hash ($2a$, $2b$ or $2y$, cost "
                        + BcryptHash.MIN_COST + " to " + BcryptHash.MAX_COST + ")"));
    }
}
