package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any bytes as a users file: every line gets a meaning (an account, nothing, or malformed with a
 * reason that does not quote it), the lines tile the file, and an account's hash reads back as
 * itself. Never an exception: the server reads this file while it runs.
 */
class UsersFileLineFuzzTest {

    @FuzzTest
    @DictionaryEntries({"$2y$", "$2a$", "$2b$", "$2y$11$", "$2y$04$", "$2y$17$", "$2y$99$", ":", "#",
            "./ABCDEFGHIJKLMNOPQRSTU", "alice:"})
    void everyLineIsAnAccountNothingOrMalformed(byte[] content) {
        List<UsersFileLine> lines = UsersFileLine.split(content);
        int expectedStart = 0;
        for (int i = 0; i < lines.size(); i++) {
            UsersFileLine line = lines.get(i);
            assertEquals(i + 1, line.number(), "line numbers count from 1");
            assertEquals(expectedStart, line.start(), "a line starts after the one before");
            assertTrue(line.start() <= line.end() && line.end() <= content.length, "a line lies within the file");
            int next = line.end();
            if (next < content.length && content[next] == '\r') {
                next++;
            }
            assertTrue(next == content.length || content[next] == '\n', "a line ends at a newline or the end");
            expectedStart = next + 1;
            String text = new String(content, line.start(), line.end() - line.start(), StandardCharsets.UTF_8);
            switch (line.meaning()) {
                case UsersFileLine.Account account -> {
                    assertTrue(UsersFileLine.userNameProblem(account.user()).isEmpty(), "an account's user name is valid");
                    BcryptHash hash = account.hash();
                    assertTrue(hash.cost() >= BcryptHash.MIN_COST && hash.cost() <= BcryptHash.MAX_COST, "cost in range");
                    BcryptHash again = BcryptHash.parse(hash.format()).orElseThrow();
                    assertEquals(hash.cost(), again.cost());
                    assertTrue(again.digestEquals(digestOf(hash)), "the hash reads back as itself");
                }
                case UsersFileLine.Malformed malformed -> {
                    assertFalse(malformed.reason().isBlank(), "a reason");
                    // The line may be a password typed in the wrong place: never quote it.
                    String secret = text.strip();
                    assertTrue(secret.length() < 4 || !malformed.reason().contains(secret), "the reason quotes the line");
                }
                case UsersFileLine.Nothing nothing -> assertTrue(text.isBlank() || text.strip().startsWith("#"),
                        "only blank lines and comments mean nothing");
            }
        }
        assertTrue(lines.isEmpty() ? content.length == 0 : expectedStart >= content.length, "the lines cover the file");
    }

    private static byte[] digestOf(BcryptHash hash) {
        String formatted = hash.format();
        return BcryptHash.decode(formatted.substring(formatted.length() - 31), BcryptHash.DIGEST_BYTES);
    }
}
