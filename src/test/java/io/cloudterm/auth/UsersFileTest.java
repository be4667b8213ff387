package io.cloudterm.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file: htpasswd lines read, bad ones reported by number and skipped, changes picked up live. */
class UsersFileTest {

    private static final Logger LOG = Logger.getLogger(UsersFile.class.getName());

    @TempDir
    Path dir;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void recordWarnings() {
        LOG.addHandler(recorder);
    }

    @AfterEach
    void stopRecording() {
        LOG.removeHandler(recorder);
    }

    @Test
    void readsEveryAccountAndSkipsBlankLinesAndComments() throws IOException {
        Path file = write("users", "\n# people\n   \n  # indented comment\n" + HashesFromOtherTools.FILE + "\n");
        UsersFile users = UsersFile.open(file);
        assertEquals(6, users.size());
        for (String user : List.of("yvonne", "eve", "anna", "bob", "long", "long73")) {
            assertTrue(users.hashOf(user).isPresent(), user);
        }
        assertFalse(users.hashOf("mallory").isPresent());
        assertFalse(users.hashOf(null).isPresent());
        assertEquals(List.of(), warnings);
    }

    @Test
    void malformedLinesAreReportedByNumberNeverByTextAndSkipped() throws IOException {
        Path file = write("users", String.join("\n",
                "# line 1",
                "bob:",                                        // 2: empty hash
                "bob:plaintext",                               // 3: not a hash
                "carol " + HashesFromOtherTools.ANNA,          // 4: no colon
                "  dave:" + HashesFromOtherTools.ANNA,         // 5: spaces in the name
                ":" + HashesFromOtherTools.ANNA,               // 6: no name
                "erin:$2x$04$" + HashesFromOtherTools.ANNA.substring(7), // 7: a variant we do not read
                "frank:" + HashesFromOtherTools.ANNA.replace("$04$", "$31$"), // 8: a cost that would stall us
                "yvonne:" + HashesFromOtherTools.YVONNE,       // 9: fine
                ""));
        UsersFile users = UsersFile.open(file);
        assertEquals(1, users.size());
        for (String user : List.of("bob", "carol", "dave", "", "erin", "frank")) {
            assertFalse(users.hashOf(user).isPresent(), user);
        }
        assertEquals(7, warnings.size(), warnings.toString());
        for (int line = 2; line <= 8; line++) {
            String number = "line " + line + ":";
            assertTrue(warnings.stream().anyMatch(w -> w.contains(number)), number + " in " + warnings);
        }
        for (String warning : warnings) {
            assertTrue(warning.contains(file.toString()) && warning.endsWith("line skipped"), warning);
            assertFalse(warning.contains("$04$") || warning.contains("$31$") || warning.contains("gzAQ") || warning.contains("plaintext"), warning);
        }
    }

    @Test
    void aRepeatedUserKeepsTheFirstLineAndSaysSo() throws IOException {
        Path file = write("users", "anna:" + HashesFromOtherTools.ANNA + "\nbob:" + HashesFromOtherTools.BOB
                + "\nanna:" + HashesFromOtherTools.YVONNE + "\n");
        UsersFile users = UsersFile.open(file);
        assertEquals(HashesFromOtherTools.ANNA.substring(4), users.hashOf("anna").orElseThrow().format().substring(4));
        assertEquals(List.of("users file " + file + " line 3: user anna is already on line 1, which counts; line skipped"), warnings);
    }

    @Test
    void windowsLineEndsAndTrailingSpacesAreRead() throws IOException {
        Path file = write("users", "# crlf\r\nanna:" + HashesFromOtherTools.ANNA + "  \r\nbob:" + HashesFromOtherTools.BOB);
        UsersFile users = UsersFile.open(file);
        assertEquals(2, users.size());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aChangedFileIsReadAgainWithoutARestart() throws Exception {
        Path file = write("users", "anna:" + HashesFromOtherTools.ANNA + "\n");
        UsersFile users = UsersFile.open(file); // looks again at most once a second
        Path next = write("users.next", "bob:" + HashesFromOtherTools.BOB + "\n");
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // as passwd and editors do
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertTrue(users.hashOf("bob").isPresent(), "bob added"));
        assertFalse(users.hashOf("anna").isPresent(), "anna removed");
    }

    @Test
    void aFileRewrittenInPlaceToTheSameSizeIsReadAgain() throws IOException {
        Path file = write("users", "anna:" + HashesFromOtherTools.ANNA + "\n");
        UsersFile users = UsersFile.open(file, Duration.ZERO);
        write("users", "bobi:" + HashesFromOtherTools.BOB + "\n");
        assertTrue(users.hashOf("bobi").isPresent());
        assertFalse(users.hashOf("anna").isPresent());
    }

    @Test
    void listenersHearWhoWasRemovedOrGivenANewPasswordAndNobodyElse() throws IOException {
        String alice = "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("a", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n";
        String bob = "bob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n";
        String carol = "carol:" + org.mindrot.jbcrypt.BCrypt.hashpw("c", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n";
        Path file = dir.resolve("users");
        Files.writeString(file, alice + bob + carol);
        UsersFile users = UsersFile.open(file, Duration.ZERO);
        Object bobsBefore = users.credentialOf("bob").orElseThrow();
        List<java.util.Set<String>> heard = new CopyOnWriteArrayList<>();
        users.onChange(heard::add);

        String newBob = "bob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b2", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n";
        Files.writeString(file, newBob + carol + "dave:" + org.mindrot.jbcrypt.BCrypt.hashpw("d", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        users.recheck();

        assertEquals(List.of(java.util.Set.of("alice", "bob")), heard, "carol is unchanged and dave is new");
        assertFalse(users.credentialOf("bob").orElseThrow().equals(bobsBefore));
        assertTrue(users.credentialOf("alice").isEmpty());
        users.recheck();
        assertEquals(1, heard.size(), "an unchanged file tells nobody");
    }

    @Test
    void aVanishedFileKeepsTheAccountsReadBeforeWithOneWarning() throws IOException {
        Path file = write("users", "anna:" + HashesFromOtherTools.ANNA + "\n");
        UsersFile users = UsersFile.open(file, Duration.ZERO);
        Files.delete(file);
        for (int i = 0; i < 3; i++) {
            assertTrue(users.hashOf("anna").isPresent());
        }
        assertEquals(List.of("users file " + file + " cannot be read (no such file); keeping the 1 accounts read before"), warnings);
        write("users", "bob:" + HashesFromOtherTools.BOB + "\n");
        assertTrue(users.hashOf("bob").isPresent(), "back when the file is");
    }

    @Test
    void aMissingOrOddFileIsAnErrorAtStart() throws IOException {
        var missing = assertThrows(IllegalArgumentException.class, () -> UsersFile.open(dir.resolve("nope")));
        assertEquals("users file " + dir.resolve("nope") + " cannot be read (no such file)", missing.getMessage());
        var directory = assertThrows(IllegalArgumentException.class, () -> UsersFile.open(dir));
        assertTrue(directory.getMessage().contains("is not a regular file"), directory.getMessage());
    }

    @Test
    void unknownNamesAreCheckedAtTheCostMostAccountsHave() throws IOException {
        String cost5 = PasswordHashes.hash("p".toCharArray(), 5);
        Path file = write("users", "a:" + HashesFromOtherTools.ANNA + "\nb:" + cost5 + "\nc:" + PasswordHashes.hash("q".toCharArray(), 5) + "\n");
        assertEquals(5, UsersFile.open(file).unknownUserHash().cost());
        Path empty = write("empty", "# nobody yet\n");
        assertEquals(PasswordHashes.DEFAULT_COST, UsersFile.open(empty).unknownUserHash().cost());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("no accounts")), warnings.toString());
    }

    private Path write(String name, String content) throws IOException {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }
}
