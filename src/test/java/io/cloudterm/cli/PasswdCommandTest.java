package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.PasswordHashes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cloudterm passwd}: adds and changes users, leaves the rest of the file alone, refuses in one line. */
class PasswdCommandTest {

    /** A file as people leave them: comments, CRLF, a malformed line, a repeated user, no final newline. */
    private static final String CROWDED = "# CloudTerm users\n"
            + "anna:$2y$04$FPWbWy84GG.ZZxfVAHH.BeTKvVp.kFk8ME8B3ZFVzkwqbZdB/58pG\n"
            + "bob:plaintext\n"
            + "  \n"
            + "alice:$2a$04$gzAQfJtWcP3Uap0H6boTyelWh27jIm0FHwBp0sj8PQtJGKjGWocjS\r\n"
            + "carol:$2b$04$gzAQfJtWcP3Uap0H6boTyeDzd05fye0xKl2l6fhqZtZQpdTW9/yZG\n"
            + "alice:$2b$04$gzAQfJtWcP3Uap0H6boTyeDzd05fye0xKl2l6fhqZtZQpdTW9/yZG\n"
            + "# the end, without a newline";

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    @Test
    void addsAUserToANewFileReadableByItsOwnerOnly() throws IOException {
        Path file = dir.resolve("users");
        Run run = run("s3cret!\n", "--cost", "4", file.toString(), "alice");
        assertEquals(new Run(0, "user alice added\n", ""), run);
        String content = Files.readString(file);
        assertTrue(content.matches("alice:\\$2y\\$04\\$[./A-Za-z0-9]{53}\n"), content);
        assertTrue(PasswordHashes.matches("s3cret!".toCharArray(), hashOf(content, "alice")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertOnlyFileIn(file);
    }

    @Test
    void changesAPasswordAndKeepsEveryOtherByte() throws IOException {
        Path file = write(CROWDED);
        Run run = run("n3w-secret\n", "--cost", "4", file.toString(), "alice");
        assertEquals(new Run(0, "password of alice changed\n", ""), run);
        String content = Files.readString(file);
        String before = CROWDED.substring(0, CROWDED.indexOf("alice:"));
        String after = CROWDED.substring(CROWDED.indexOf("\r\ncarol:"));
        assertTrue(content.startsWith(before), content);
        assertTrue(content.endsWith(after), content);
        String line = content.substring(before.length(), content.length() - after.length());
        assertTrue(PasswordHashes.matches("n3w-secret".toCharArray(), line.substring("alice:".length())), line);
        assertFalse(PasswordHashes.matches("a-secret".toCharArray(), line.substring("alice:".length())));
        assertOnlyFileIn(file);
    }

    @Test
    void addsANewUserAtTheEndAndKeepsEveryOtherByte() throws IOException {
        Path file = write(CROWDED);
        assertEquals(new Run(0, "user dave added\n", ""), run("d-secret\n", "--cost", "4", file.toString(), "dave"));
        String content = Files.readString(file);
        assertTrue(content.startsWith(CROWDED + "\ndave:$2y$04$"), content);
        assertTrue(content.endsWith("\n"));
        assertTrue(PasswordHashes.matches("d-secret".toCharArray(), hashOf(content, "dave")));
    }

    @Test
    void aUserOnlyOnAMalformedLineIsAddedAndTheLineKept() throws IOException {
        Path file = write(CROWDED);
        assertEquals(new Run(0, "user bob added\n", ""), run("b-secret\n", "--cost", "4", file.toString(), "bob"));
        String content = Files.readString(file);
        assertTrue(content.startsWith(CROWDED + "\nbob:$2y$04$"), content);
    }

    @Test
    void theFileKeepsItsPermissionsAndStaysBehindItsLink() throws IOException {
        Path real = write(CROWDED);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertEquals(0, run("x-secret\n", "--cost", "4", link.toString(), "carol").status());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(PasswordHashes.matches("x-secret".toCharArray(), hashOf(Files.readString(real), "carol")));
    }

    @Test
    void onlyTheFirstLineOfStandardInputIsThePassword() throws IOException {
        Path file = dir.resolve("users");
        assertEquals(0, run("first\r\nsecond\n", "--cost", "4", file.toString(), "alice").status());
        assertTrue(PasswordHashes.matches("first".toCharArray(), hashOf(Files.readString(file), "alice")));
    }

    @Test
    void onATerminalThePasswordIsAskedTwice() throws IOException {
        Path file = dir.resolve("users");
        List<String> questions = new ArrayList<>();
        char[] first = "tty-secret".toCharArray();
        char[] second = "tty-secret".toCharArray();
        Run run = runOnTerminal(questions, List.of(first, second), "--cost", "4", file.toString(), "alice");
        assertEquals(new Run(0, "user alice added\n", ""), run);
        assertEquals(List.of("New password for alice: ", "Retype the password: "), questions);
        assertTrue(PasswordHashes.matches("tty-secret".toCharArray(), hashOf(Files.readString(file), "alice")));
        assertArrayEquals(new char[first.length], first, "wiped");
        assertArrayEquals(new char[second.length], second, "wiped");
    }

    @Test
    void twoDifferentAnswersOnTheTerminalChangeNothing() throws IOException {
        Path file = write(CROWDED);
        Run run = runOnTerminal(new ArrayList<>(), List.of("one".toCharArray(), "two".toCharArray()), file.toString(), "alice");
        assertRefused("the passwords do not match", run);
        assertEquals(CROWDED, Files.readString(file));
        assertOnlyFileIn(file);
    }

    @Test
    void aPasswordOverSeventyTwoBytesIsRefused() throws IOException {
        Path file = write(CROWDED);
        assertRefused("the password is over 72 bytes in UTF-8; bcrypt would ignore the rest, so longer passwords are refused",
                run("x".repeat(73) + "\n", "--cost", "4", file.toString(), "alice"));
        assertRefused("the password is over 72 bytes", run("é".repeat(37) + "\n", "--cost", "4", file.toString(), "alice"));
        assertRefused("the password is over 72 bytes", run("x".repeat(5000) + "\n", "--cost", "4", file.toString(), "alice"));
        assertEquals(0, run("é".repeat(36) + "\n", "--cost", "4", file.toString(), "alice").status(), "72 bytes is fine");
    }

    @Test
    void anEmptyOrMissingPasswordIsRefused() throws IOException {
        Path file = write(CROWDED);
        assertRefused("the password is empty", run("\n", file.toString(), "alice"));
        assertRefused("no password on standard input", run("", file.toString(), "alice"));
        assertRefused("the password on standard input is not UTF-8 text", run(new byte[] {(byte) 0xff, '\n'}, file.toString(), "alice"));
        assertEquals(CROWDED, Files.readString(file));
        assertOnlyFileIn(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a:b", "a b", "tab\there", "#alice", "new\nline"})
    void aBadUserNameIsRefused(String user) throws IOException {
        Path file = write(CROWDED);
        assertRefused("user name", run("secret\n", file.toString(), user));
        assertEquals(CROWDED, Files.readString(file));
    }

    @Test
    void aFileThatCannotBeReadOrWrittenIsRefused() {
        assertRefused("cannot read " + dir + ": Is a directory", run("secret\n", dir.toString(), "alice"));
        assertRefused("directory " + dir.resolve("nope") + " does not exist",
                run("secret\n", dir.resolve("nope/users").toString(), "alice"));
    }

    @Test
    void badArgumentsAreOneLineAndStatusTwo() {
        assertRefused("Missing required parameter", run("secret\n"));
        assertRefused("Unmatched argument", run("secret\n", "f", "u", "extra"));
        assertRefused("--cost must be from 4 to 17, not 3", run("secret\n", "--cost", "3", dir.resolve("u").toString(), "alice"));
        assertRefused("--cost must be from 4 to 17, not 18", run("secret\n", "--cost", "18", dir.resolve("u").toString(), "alice"));
        Run help = run("", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("Usage: cloudterm passwd [-h] [--cost=N] FILE USER"), help.out());
        assertTrue(help.out().contains("printf '%s\\n' \"$PASSWORD\" | cloudterm passwd"), help.out());
    }

    private static void assertRefused(String message, Run run) {
        assertEquals(2, run.status(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("cloudterm passwd: ") && run.err().contains(message), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    private void assertOnlyFileIn(Path file) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.filter(f -> !Files.isSymbolicLink(f)).toList(), "no temporary file left");
        }
    }

    private static String hashOf(String content, String user) {
        Matcher m = Pattern.compile("(?m)^" + user + ":(\\S+)$").matcher(content);
        assertTrue(m.find(), content);
        return m.group(1);
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("users"), content);
    }

    private static Run run(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private static Run run(byte[] stdin, String... args) {
        return run(null, stdin, args);
    }

    private static Run runOnTerminal(List<String> questions, List<char[]> answers, String... args) {
        Deque<char[]> left = new ArrayDeque<>(answers);
        return run(question -> {
            questions.add(question);
            return left.poll();
        }, new byte[0], args);
    }

    private static Run run(PasswdCommand.Prompt terminal, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PasswdCommand.run(args, terminal, new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
