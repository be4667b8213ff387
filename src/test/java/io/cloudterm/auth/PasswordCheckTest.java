package io.cloudterm.auth;

import static io.cloudterm.auth.HashesFromOtherTools.x;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.PasswordCheck.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logins against the users file: right, wrong, unknown, malformed, too long, and busy instead of an endless queue. */
class PasswordCheckTest {

    @TempDir
    Path dir;

    private PasswordCheck check;

    @AfterEach
    void close() {
        if (check != null) {
            check.close();
        }
    }

    @Test
    void theRightPasswordLogsInWhicheverToolMadeTheHash() throws IOException {
        check = PasswordCheck.create(users(HashesFromOtherTools.FILE));
        assertEquals(accepted("yvonne"), check.check("yvonne", "y-secret".toCharArray()));
        assertEquals(accepted("eve"), check.check("eve", "pässwörd".toCharArray()));
        assertEquals(accepted("anna"), check.check("anna", "a-secret".toCharArray()));
        assertEquals(accepted("bob"), check.check("bob", "b-secret".toCharArray()));
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRejectedAlike() throws IOException {
        check = PasswordCheck.create(users(HashesFromOtherTools.FILE));
        assertEquals(Verdict.REJECTED, check.check("anna", "b-secret".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("anna", "a-secreT".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("mallory", "a-secret".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("", "a-secret".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check(null, "a-secret".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("anna", "".toCharArray()));
    }

    @Test
    void aMalformedLineLetsNobodyIn() throws IOException {
        check = PasswordCheck.create(users("bob:\nbob:plaintext\ncarol:$2y$04$short\n:" + HashesFromOtherTools.ANNA + "\n"));
        assertEquals(Verdict.REJECTED, check.check("bob", "".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("bob", "plaintext".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("carol", "$2y$04$short".toCharArray()));
        assertEquals(Verdict.REJECTED, check.check("", "a-secret".toCharArray()));
    }

    @Test
    void aPasswordOverSeventyTwoBytesIsRejectedEvenWhenItsFirstSeventyTwoAreRight() throws IOException {
        check = PasswordCheck.create(users(HashesFromOtherTools.FILE));
        assertEquals(accepted("long"), check.check("long", x(72)));
        assertEquals(Verdict.REJECTED, check.check("long", x(73)));
        assertEquals(Verdict.REJECTED, check.check("long", x(1000)));
        assertEquals(Verdict.REJECTED, check.check("long73", x(73)), "the password htpasswd took, and cut");
    }

    @Test
    void thePasswordIsWipedWhateverTheVerdict() throws IOException {
        check = PasswordCheck.create(users(HashesFromOtherTools.FILE));
        for (char[] password : List.of("a-secret".toCharArray(), "wrong".toCharArray(), x(80), "abc\uD800".toCharArray())) {
            check.check("anna", password);
            assertArrayEquals(new char[password.length], password);
        }
        char[] unknown = "a-secret".toCharArray();
        check.check("mallory", unknown);
        assertArrayEquals(new char[unknown.length], unknown);
    }

    @Test
    void aFullQueueAnswersBusyAtOnceInsteadOfGrowing() throws Exception {
        // ~250 ms a check: the submissions below all happen while the first one is still running
        String slow = PasswordHashes.hash("slow-secret".toCharArray(), 12);
        check = PasswordCheck.create(users("slow:" + slow + "\n"), 1, 1);
        List<CompletableFuture<Verdict>> verdicts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            verdicts.add(check.submit("slow", (i == 0 ? "slow-secret" : "wrong").toCharArray()));
        }
        List<CompletableFuture<Verdict>> busy = verdicts.stream().filter(v -> v.getNow(null) == Verdict.BUSY).toList();
        assertEquals(48, busy.size(), "one running, one queued, the rest told at once");
        char[] password = "slow-secret".toCharArray();
        assertEquals(Verdict.BUSY, check.check("slow", password), "the blocking call too");
        assertArrayEquals(new char[password.length], password);
        assertEquals(accepted("slow"), verdicts.get(0).get(5, TimeUnit.SECONDS));
        assertEquals(Verdict.REJECTED, verdicts.get(1).get(5, TimeUnit.SECONDS));
        assertEquals(accepted("slow"), check.check("slow", "slow-secret".toCharArray()), "free again");
    }

    @Test
    void aFloodFromOneAddressLeavesRoomForAnother() throws Exception {
        // ~250 ms a check: the flood below is all submitted while its first check still runs
        String slow = PasswordHashes.hash("slow-secret".toCharArray(), 12);
        check = PasswordCheck.create(users("slow:" + slow + "\n"), 1, 2);
        List<CompletableFuture<Verdict>> flood = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flood.add(check.submit("127.0.0.2", "slow", "wrong".toCharArray()));
        }
        assertEquals(19, flood.stream().filter(v -> v.getNow(null) == Verdict.BUSY).count(),
                "one check per address at a time, the rest told at once");
        CompletableFuture<Verdict> owner = check.submit("127.0.0.1", "slow", "slow-secret".toCharArray());
        assertEquals(accepted("slow"), owner.get(30, TimeUnit.SECONDS), "the owner's check waits behind one of the flood's");
        assertEquals(Verdict.REJECTED, flood.getFirst().get(30, TimeUnit.SECONDS));
        assertEquals(accepted("slow"), check.check("127.0.0.2", "slow", "slow-secret".toCharArray()),
                "the address may check again once its check is done");
    }

    @Test
    void anIpv6ClientIsOneAddressPerSlash64() throws Exception {
        String slow = PasswordHashes.hash("slow-secret".toCharArray(), 12);
        check = PasswordCheck.create(users("slow:" + slow + "\n"), 1, 4);
        CompletableFuture<Verdict> first = check.submit("2001:db8:0:0::1", "slow", "wrong".toCharArray());
        assertEquals(Verdict.BUSY, check.submit("2001:db8::ffff:2", "slow", "wrong".toCharArray()).getNow(null),
                "another address of the same /64 is the same client");
        CompletableFuture<Verdict> otherNetwork = check.submit("2001:db8:0:1::1", "slow", "slow-secret".toCharArray());
        assertEquals(accepted("slow"), otherNetwork.get(30, TimeUnit.SECONDS), "another /64 is another client");
        assertEquals(Verdict.REJECTED, first.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aClosedCheckIsBusy() throws IOException {
        check = PasswordCheck.create(users(HashesFromOtherTools.FILE));
        check.close();
        assertEquals(Verdict.BUSY, check.check("anna", "a-secret".toCharArray()));
    }

    private static Verdict accepted(String user) {
        return new Verdict.Accepted(new Principal(user));
    }

    private UsersFile users(String content) throws IOException {
        return UsersFile.open(Files.write(dir.resolve("users"), content.getBytes(StandardCharsets.UTF_8)));
    }
}
