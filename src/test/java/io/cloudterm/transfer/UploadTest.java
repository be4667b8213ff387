package io.cloudterm.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing an upload into a real directory: counted while it streams, placed whole, never over a file created meanwhile. */
class UploadTest {

    @TempDir
    Path dir;

    private static UploadName name(String name) throws UploadName.Refused {
        return UploadName.of(name);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A body whose reading, halfway, runs {@code meanwhile} (another program acting on the directory). */
    private static InputStream halfwayDoing(byte[] first, byte[] second, IORunnable meanwhile) {
        InputStream hook = new InputStream() {
            private boolean ran;

            @Override
            public int read() throws IOException {
                if (!ran) {
                    ran = true;
                    meanwhile.run();
                }
                return -1;
            }
        };
        return new SequenceInputStream(java.util.Collections.enumeration(List.of(new ByteArrayInputStream(first), hook,
                new ByteArrayInputStream(second))));
    }

    private interface IORunnable {
        void run() throws IOException;
    }

    @Test
    void aFileCreatedWhileTheUploadRunsIsNeverReplaced() throws Exception {
        InputStream body = halfwayDoing(new byte[5000], new byte[5000],
                () -> Files.writeString(dir.resolve("report.txt"), "written meanwhile"));
        assertThrows(Upload.AlreadyExists.class, () -> Upload.write(dir, name("report.txt"), body, 1 << 20, false));
        assertEquals("written meanwhile", Files.readString(dir.resolve("report.txt")));
        assertEquals(List.of("report.txt"), files(), "the temporary file is gone");
    }

    @Test
    void aBodyOverTheLimitIsCountedAsItComesAndNothingIsKept() throws Exception {
        // No declared length: only the count can tell.
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(new byte[600]), new ByteArrayInputStream(new byte[401]));
        assertThrows(Upload.TooLarge.class, () -> Upload.write(dir, name("big"), body, 1000, false));
        assertEquals(List.of(), files());
        assertEquals(1000, Upload.write(dir, name("fits"), new ByteArrayInputStream(new byte[1000]), 1000, false));
    }

    @Test
    void nobodySeesHalfAFileUnderItsName() throws Exception {
        Files.writeString(dir.resolve("data.csv"), "old");
        List<List<String>> seen = new java.util.ArrayList<>();
        InputStream body = halfwayDoing("new,".getBytes(StandardCharsets.UTF_8), "rows".getBytes(StandardCharsets.UTF_8),
                () -> {
                    seen.add(files());
                    seen.add(List.of(Files.readString(dir.resolve("data.csv"))));
                });
        Upload.write(dir, name("data.csv"), body, 100, true);
        assertEquals("old", seen.get(1).getFirst(), "halfway, the name still holds the old file");
        assertEquals(2, seen.get(0).size(), "and the upload is in a temporary file beside it: " + seen.get(0));
        assertEquals("new,rows", Files.readString(dir.resolve("data.csv")));
        assertEquals(List.of("data.csv"), files());
    }
}
