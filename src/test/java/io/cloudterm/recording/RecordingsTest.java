package io.cloudterm.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index of a recording directory: whose each file is, earlier runs' files, and its bound. */
class RecordingsTest {

    private static final String HANDLE = "AAAAAAAAAAAAAAAAAAAA-_"; // 22 characters, with the two that are not alphanumeric

    @TempDir
    Path dir;

    @Test
    void aUserNameSurvivesTheFileName() {
        for (String user : List.of("alice", "", "anonymous", "a_b", "a b", "a-b.c", "ünïcödé", "x/../y", "_", "__")) {
            String name = Recordings.fileName(LocalDateTime.of(2026, 12, 6, 20, 0), user, HANDLE);
            assertTrue(name.matches("[A-Za-z0-9._-]+"), name);
            assertEquals(Optional.of(user), Recordings.decodeUser(name.substring(16, name.length() - 23)), name);
        }
    }

    @Test
    void namesThatNameNobodyDoNotDecode() {
        for (String part : List.of("a_b", "a_", "a_4", "a_zz", "a b", "a_C3", "a_FF")) {
            assertEquals(Optional.empty(), Recordings.decodeUser(part), part);
        }
    }

    @Test
    void anEarlierRunsRecordingsAreOfferedToTheirUsersOnly() throws Exception {
        Path alices = Files.writeString(dir.resolve("20261206-101500-alice-" + HANDLE + ".cast"), "{}\n");
        Path anonymous = Files.writeString(dir.resolve("20261206-101600-_-BBBBBBBBBBBBBBBBBBBBBB.cast"), "{}\n");
        Path spaced = Files.writeString(dir.resolve("20261206-101700-a_20b-CCCCCCCCCCCCCCCCCCCCCC.cast"), "{}\n");
        Files.writeString(dir.resolve("20261206-101800-a_zz-DDDDDDDDDDDDDDDDDDDDDD.cast"), "{}\n"); // names nobody
        Files.writeString(dir.resolve("notes.cast"), "{}\n");
        Files.createSymbolicLink(dir.resolve("20261206-101900-alice-EEEEEEEEEEEEEEEEEEEEEE.cast"), alices);

        Recordings recordings = Recordings.open(dir, false, 100);

        assertEquals(List.of(alices), recordings.of("alice").stream().map(Recordings.Recorded::file).toList());
        assertEquals(Optional.of(alices), recordings.find(HANDLE, "alice").map(Recordings.Recorded::file));
        assertEquals(Optional.empty(), recordings.find(HANDLE, "bob"));
        assertEquals(List.of(), recordings.of("bob"));
        assertEquals(List.of(anonymous), recordings.of("").stream().map(Recordings.Recorded::file).toList());
        assertEquals(List.of(spaced), recordings.of("a b").stream().map(Recordings.Recorded::file).toList());
        assertEquals(List.of(), recordings.of("a_zz"));
    }

    @Test
    void theIndexKeepsTheNewestAndLeavesTheFilesAlone() throws Exception {
        for (int minute = 10; minute < 15; minute++) {
            Files.writeString(dir.resolve("20261206-10" + minute + "00-alice-" + "A".repeat(21) + minute % 10 + ".cast"), "{}\n");
        }
        Recordings recordings = Recordings.open(dir, false, 3);
        assertEquals(List.of("AAAAAAAAAAAAAAAAAAAAA4", "AAAAAAAAAAAAAAAAAAAAA3", "AAAAAAAAAAAAAAAAAAAAA2"),
                recordings.of("alice").stream().map(Recordings.Recorded::handle).toList());

        try (AsciicastRecorder recorder = recordings.start("ZZZZZZZZZZZZZZZZZZZZZZ", "bob", 80, 24, Map.of(), "t")) {
            assertTrue(Files.exists(recorder.file()));
        }
        assertEquals(2, recordings.of("alice").size(), "the oldest left the index");
        assertEquals(1, recordings.of("bob").size());
        try (var files = Files.list(dir)) {
            assertEquals(6, files.count(), "no file deleted");
        }
    }
}
