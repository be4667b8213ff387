package io.cloudterm.recording;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Recording sessions as asciicast v2 files, read back line by line with JSON-P as a player would. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsciicastRecorderTest {

    private static final Map<String, String> ENV = Map.of("TERM", "xterm-256color", "SHELL", "/bin/bash");

    @TempDir
    Path dir;

    /** A clock the test moves by hand: 1 ms per reading, so every event has a time of its own. */
    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L); // nanoTime may be negative

    private AsciicastRecorder record(String name, boolean recordInput) throws IOException {
        return AsciicastRecorder.create(dir, name, 80, 24, ENV, "bash on host", recordInput,
                () -> nanos.addAndGet(1_000_000));
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(UTF_8));
    }

    // ---- reading a recording back ----

    private static JsonValue parse(String line) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            return reader.readValue();
        }
    }

    private static JsonObject header(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return parse(lines.findFirst().orElseThrow()).asJsonObject();
        }
    }

    /** Every line after the header, each parsed as an event array of time, code and data. */
    private static List<JsonArray> events(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            List<JsonArray> events = lines.skip(1).map(line -> parse(line).asJsonArray()).toList();
            for (JsonArray event : events) {
                assertEquals(3, event.size(), event::toString);
                assertTrue(event.getJsonNumber(0).bigDecimalValue().signum() >= 0, event::toString);
                event.getString(1);
                event.getString(2);
            }
            return events;
        }
    }

    private static String text(List<JsonArray> events, String code) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.getString(1).equals(code)).forEach(e -> text.append(e.getString(2)));
        return text.toString();
    }

    private static void assertTimesNeverGoBack(List<JsonArray> events) {
        BigDecimal last = BigDecimal.ZERO;
        for (JsonArray event : events) {
            BigDecimal time = event.getJsonNumber(0).bigDecimalValue();
            assertTrue(time.compareTo(last) >= 0, () -> "time went back at " + event);
            last = time;
        }
    }

    // ---- the stories ----

    @Test
    void headerCarriesVersionSizeTimestampEnvAndTitle() throws IOException {
        long before = Instant.now().getEpochSecond();
        AsciicastRecorder recorder = record("header", false);
        long after = Instant.now().getEpochSecond();
        recorder.close();

        assertEquals(dir.resolve("header.cast"), recorder.file());
        JsonObject header = header(recorder.file());
        assertEquals(2, header.getInt("version"));
        assertEquals(80, header.getInt("width"));
        assertEquals(24, header.getInt("height"));
        long timestamp = header.getJsonNumber("timestamp").longValueExact();
        assertTrue(before <= timestamp && timestamp <= after, () -> "timestamp " + timestamp);
        assertEquals(Json.createObjectBuilder(ENV).build(), header.getJsonObject("env"));
        assertEquals("bash on host", header.getString("title"));
        assertEquals(List.of(), events(recorder.file()));
    }

    @Test
    void headerLeavesOutWhatIsNotKnown() throws IOException {
        try (AsciicastRecorder recorder = AsciicastRecorder.create(dir, "bare", 132, 43, Map.of(), null, false)) {
            JsonObject header = header(recorder.file());
            assertEquals(Json.createObjectBuilder().add("version", 2).add("width", 132).add("height", 43)
                    .add("timestamp", header.get("timestamp")).build(), header);
        }
    }

    @Test
    void outputAndResizeAreEventLinesInOrderWithMicrosecondTimes() throws IOException {
        AsciicastRecorder recorder = record("events", false);
        recorder.output(bytes("$ ls\r\n"));
        recorder.resize(120, 40);
        recorder.output(bytes("a \"quoted\" \\ tab\t bell\u0007 esc\u001b[1m\r\n"));
        recorder.close();

        List<JsonArray> events = events(recorder.file());
        assertEquals(List.of("o", "r", "o"), events.stream().map(e -> e.getString(1)).toList());
        assertEquals("$ ls\r\n", events.get(0).getString(2));
        assertEquals("120x40", events.get(1).getString(2));
        assertEquals("a \"quoted\" \\ tab\t bell\u0007 esc\u001b[1m\r\n", events.get(2).getString(2));
        assertTimesNeverGoBack(events);
        // The clock moves 1 ms per reading: the first event comes 1 ms after the start.
        assertEquals(new BigDecimal("0.001000"), events.get(0).getJsonNumber(0).bigDecimalValue());
        // Times are plain decimals with six places, never 1.0E-6 as a printed double would be.
        String firstLine = Files.readAllLines(recorder.file()).get(1);
        assertTrue(firstLine.startsWith("[0.001000,"), firstLine);
    }

    @Test
    void outputLeavesTheBufferWhereItWas() throws IOException {
        try (AsciicastRecorder recorder = record("position", false)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(32).put("xxhello".getBytes(UTF_8)).flip();
            buffer.position(2);
            recorder.output(buffer);
            assertEquals(2, buffer.position());
            assertEquals(7, buffer.limit());
        }
        assertEquals("hello", text(events(dir.resolve("position.cast")), "o"));
    }

    @Test
    void aCharacterSplitAcrossReadsAtEveryPositionComesOutWhole() throws IOException {
        for (String character : List.of("€", "😀")) { // 3 and 4 bytes of UTF-8
            String line = "a" + character + "b";
            byte[] whole = line.getBytes(UTF_8);
            for (int split = 0; split <= whole.length; split++) {
                AsciicastRecorder recorder = record("split-" + whole.length + "-" + split, false);
                recorder.output(ByteBuffer.wrap(whole, 0, split));
                recorder.output(ByteBuffer.wrap(whole, split, whole.length - split));
                recorder.close();
                List<JsonArray> events = events(recorder.file());
                assertEquals(line, text(events, "o"), "split at " + split);
                assertTrue(events.stream().allMatch(e -> !e.getString(2).contains("\uFFFD")));
            }
        }
    }

    @Test
    void aCharacterFedOneByteAtATimeComesOutWhole() throws IOException {
        AsciicastRecorder recorder = record("bytewise", false);
        for (byte b : "😀€é".getBytes(UTF_8)) {
            recorder.output(ByteBuffer.wrap(new byte[] {b}));
        }
        recorder.close();
        assertEquals(List.of("😀", "€", "é"), events(recorder.file()).stream().map(e -> e.getString(2)).toList());
    }

    @Test
    void invalidBytesBecomeReplacementCharactersAndTheFileStaysValid() throws IOException {
        AsciicastRecorder recorder = record("invalid", false);
        recorder.output(ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xFF, ' ', (byte) 0xC0, (byte) 0xAF, '!'}));
        recorder.output(ByteBuffer.wrap(new byte[] {(byte) 0xE2, (byte) 0x82})); // a "€" cut short...
        recorder.output(bytes("x")); // ...by a byte that cannot continue it
        recorder.close();
        String text = text(events(recorder.file()), "o");
        assertTrue(text.startsWith("ok\uFFFD \uFFFD"), text);
        assertTrue(text.endsWith("!\uFFFDx"), text);
        assertFalse(text.replace("\uFFFD", "").contains("\u00C0"), text);
    }

    @Test
    void aCharacterCutShortAtTheEndIsWrittenAsAReplacementCharacterOnClose() throws IOException {
        AsciicastRecorder recorder = record("cut", false);
        recorder.output(ByteBuffer.wrap(new byte[] {'$', ' ', (byte) 0xF0, (byte) 0x9F, (byte) 0x98}));
        recorder.close();
        assertEquals("$ \uFFFD", text(events(recorder.file()), "o"));
    }

    @Test
    void inputIsNotRecordedByDefault() throws IOException {
        AsciicastRecorder recorder = record("no-input", false);
        recorder.output(bytes("Password: "));
        recorder.input("hunter2\r".getBytes(UTF_8));
        recorder.close();
        assertEquals(List.of("o"), events(recorder.file()).stream().map(e -> e.getString(1)).toList());
        assertFalse(Files.readString(recorder.file()).contains("hunter2"));
    }

    @Test
    void inputIsRecordedAsIEventsWhenEnabled() throws IOException {
        AsciicastRecorder recorder = record("input", true);
        recorder.output(bytes("$ "));
        recorder.input("lś\r".getBytes(UTF_8));
        byte[] euro = "€".getBytes(UTF_8);
        recorder.input(new byte[] {euro[0]});
        recorder.input(new byte[] {euro[1], euro[2]});
        recorder.close();
        List<JsonArray> events = events(recorder.file());
        assertEquals(List.of("o", "i", "i"), events.stream().map(e -> e.getString(1)).toList());
        assertEquals("lś\r€", text(events, "i"));
    }

    @Test
    void outputAndResizesFromManyThreadsKeepEveryLineWhole() throws Exception {
        AsciicastRecorder recorder = AsciicastRecorder.create(dir, "concurrent", 80, 24, ENV, "t", true);
        int threads = 8;
        int eventsEach = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < eventsEach; i++) {
                        switch (thread % 3) {
                            case 0 -> recorder.resize(80 + thread, 24 + i % 10);
                            case 1 -> recorder.input(("k" + thread + "\"é").getBytes(UTF_8));
                            default -> recorder.output(bytes("thread " + thread + " line " + i + " ✓\r\n"));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        recorder.close();
        List<JsonArray> events = events(recorder.file());
        assertEquals(threads * eventsEach, events.size());
        assertTimesNeverGoBack(events);
        for (int t = 0; t < threads; t++) {
            String mine = switch (t % 3) {
                case 0 -> (80 + t) + "x";
                case 1 -> "k" + t + "\"é";
                default -> "thread " + t + " line ";
            };
            assertEquals(eventsEach, events.stream().filter(e -> e.getString(2).startsWith(mine)).count(), mine);
        }
    }

    @Test
    void closingTwiceIsHarmlessAndTheFileEndsWithANewline() throws IOException {
        AsciicastRecorder recorder = record("twice", false);
        recorder.output(bytes("bye\r\n"));
        recorder.close();
        long size = Files.size(recorder.file());
        recorder.close();
        recorder.output(bytes("after the end"));
        recorder.resize(10, 10);
        assertEquals(size, Files.size(recorder.file()));
        String content = Files.readString(recorder.file());
        assertTrue(content.endsWith("\n"), content);
        assertEquals(2, content.lines().count());
    }

    @Test
    void anExistingRecordingIsNeverOverwritten() throws IOException {
        Path file = dir.resolve("taken.cast");
        Files.writeString(file, "someone else's session");
        assertThrows(FileAlreadyExistsException.class, () -> record("taken", false));
        assertEquals("someone else's session", Files.readString(file));
    }

    @Test
    void aNameCannotLeaveTheDirectory() {
        for (String name : List.of("", "../escape", "sub/dir")) {
            assertThrows(IllegalArgumentException.class, () -> record(name, false), name);
        }
        assertThrows(IllegalArgumentException.class,
                () -> AsciicastRecorder.create(dir, "zero", 0, 24, ENV, null, false));
    }

    @Test
    void theRecordingIsReadableByItsOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions here");
        try (AsciicastRecorder recorder = record("private", false)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(recorder.file())));
        }
    }

    @Test
    void outputReachesTheFileWithinAFractionOfASecondWithoutClose() throws Exception {
        AsciicastRecorder recorder = AsciicastRecorder.create(dir, "open", 80, 24, ENV, null, false);
        recorder.output(bytes("still running\r\n"));
        await().atMost(Duration.ofSeconds(2)).until(() -> Files.readString(recorder.file()).contains("still running"));
        assertEquals("still running\r\n", text(events(recorder.file()), "o"));
        recorder.close();
    }

    @Test
    void replaysToTheSameFinalText() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            stream.writeBytes(String.format("%5d  Grüße, 世界, 😀 \u001b[32m%08x\u001b[0m\r\n", i, i * 2654435761L)
                    .getBytes(UTF_8));
        }
        byte[] session = stream.toByteArray();
        Random random = new Random(42);
        AsciicastRecorder recorder = record("replay", false);
        for (int at = 0; at < session.length; ) {
            int n = Math.min(session.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 4096));
            recorder.output(ByteBuffer.wrap(session, at, n));
            at += n;
        }
        recorder.close();
        List<JsonArray> events = events(recorder.file());
        assertEquals(new String(session, UTF_8), text(events, "o"));
        assertTimesNeverGoBack(events);
    }

    @Test
    void fiftyMegabytesRecordInASmallHeap() throws Exception {
        String output = runJvm("-Xmx24m", Child.class.getName(), "bounded", dir.toString());
        assertTrue(output.contains("recorded"), output);
        Path file = dir.resolve("big.cast");
        assertTrue(Files.size(file) >= Child.TOTAL_BYTES, () -> "file too small: " + file);
        long events;
        long chars = 0;
        try (Stream<String> lines = Files.lines(file)) {
            List<String> sample = new ArrayList<>();
            events = lines.skip(1).peek(line -> {
                if (sample.size() < 3) {
                    sample.add(line);
                }
            }).count();
            for (String line : sample) {
                chars += parse(line).asJsonArray().getString(2).length();
            }
        }
        assertEquals(Child.TOTAL_BYTES / Child.CHUNK_BYTES, events);
        assertTrue(chars > 0);
        try (Stream<String> lines = Files.lines(file)) {
            JsonValue last = parse(lines.reduce((a, b) -> b).orElseThrow());
            assertEquals("o", last.asJsonArray().getString(1));
        }
    }

    @Test
    void aFullDiskStopsTheRecordingButNotTheTerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for ulimit");
        // A file size limit makes writes fail (EFBIG) like a full disk; the JVM ignores SIGXFSZ.
        String output = runJvm("-Xmx64m", Child.class.getName(), "full", dir.toString());
        assertTrue(output.contains("recorded"), output);
        assertEquals(1, output.lines().filter(line -> line.contains("WARNING")).count(), output);
        assertTrue(output.contains("stopped, the terminal goes on: File too large"), output);
        assertTrue(Files.size(dir.resolve("big.cast")) <= 1024 * 1024, output);
        List<JsonArray> events = assertValidCast(dir.resolve("big.cast"));
        assertEquals("recording stopped: File too large", events.getLast().getString(2));
    }

    @Test
    void aFullDiskLeavesAValidFileUpToTheLastWholeEvent() throws Exception {
        // Room for 10,000 bytes: the write that reaches the limit writes part of its bytes, the
        // next one fails, as write(2) does on a full disk.
        Path file = dir.resolve("full.cast");
        String typed = recordUntilTheDiskFails(file, new FullDisk(file, 10_000, "No space left on device", false));

        List<JsonArray> events = assertValidCast(file);
        String recorded = text(events, "o");
        assertTrue(recorded.length() > 3_000 && typed.startsWith(recorded),
                () -> "the output kept is a prefix of what the terminal showed: " + recorded.length() + " chars");
        assertTrue(Files.size(file) <= 10_000);
        // A marker too if it fit in the room the cut part left; every event whole either way.
        assertTrue(List.of("o", "r", "m").contains(events.getLast().getString(1)), events.getLast()::toString);
    }

    @Test
    void aFailedWriteIsCutBackAndTheStopIsMarked() throws Exception {
        // The write fails halfway, and then the disk takes writes again (room freed by the cut).
        Path file = dir.resolve("marked.cast");
        String typed = recordUntilTheDiskFails(file, new FullDisk(file, 10_000, "Input/output error", true));

        List<JsonArray> events = assertValidCast(file);
        assertEquals(List.of("m", "recording stopped: Input/output error"),
                List.of(events.getLast().getString(1), events.getLast().getString(2)));
        assertEquals(1, events.stream().filter(event -> event.getString(1).equals("m")).count());
        String recorded = text(events, "o");
        assertTrue(recorded.length() > 3_000 && typed.startsWith(recorded), () -> recorded.length() + " chars kept");
    }

    /** Records 2,000 short lines and a few resizes through {@code disk}; returns the output. */
    private String recordUntilTheDiskFails(Path file, FullDisk disk) throws IOException {
        AsciicastRecorder recorder = AsciicastRecorder.start(file, disk, 80, 24, ENV, null, false,
                () -> nanos.addAndGet(1_000_000));
        StringBuilder typed = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            String line = "line " + i + " \u001b[1mbold\u001b[0m\r\n";
            typed.append(line);
            recorder.output(bytes(line));
            if (i % 100 == 0) {
                recorder.resize(80 + i % 7, 24);
            }
        }
        recorder.close();
        return typed.toString();
    }

    @Test
    void aFullFileSystemLeavesAValidFileEndingInAMarker() throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.toString()) == 0,
                "mounting a tmpfs needs root (CAP_SYS_ADMIN); the FullDisk test covers the same story");
        try {
            AsciicastRecorder recorder = AsciicastRecorder.create(mountPoint, "full", 80, 24, ENV, null, false,
                    () -> nanos.addAndGet(1_000_000));
            byte[] chunk = "0123456789 \"quoted\" Grüße 😀\r\n".repeat(400).getBytes(UTF_8);
            for (int i = 0; i < 100; i++) { // about 2 MB into 256 KiB
                recorder.output(ByteBuffer.wrap(chunk));
            }
            recorder.close();

            List<JsonArray> events = assertValidCast(recorder.file());
            JsonArray last = events.getLast();
            assertEquals("m", last.getString(1));
            assertEquals("recording stopped: No space left on device", last.getString(2));
            assertTrue(Files.size(recorder.file()) > 128 * 1024, "the events that fit are kept");
        } finally {
            assertEquals(0, run("umount", mountPoint.toString()));
        }
    }

    /** Every line parses: the header as an object, each event as a whole array; the file ends with a newline. */
    private static List<JsonArray> assertValidCast(Path file) throws IOException {
        String content = Files.readString(file);
        assertTrue(content.endsWith("\n"), () -> "ends inside a line: ..." + content.substring(Math.max(0, content.length() - 80)));
        assertEquals(2, header(file).getInt("version"));
        return events(file);
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), String.join(" ", command));
        return process.exitValue();
    }

    /**
     * A file on a disk with room for {@code capacity} bytes: a small fake of write(2) on a full disk
     * (a short write, then the error), or of one failed write ({@code once}: later writes succeed).
     */
    private static final class FullDisk implements SeekableByteChannel {

        private final FileChannel file;
        private final long capacity;
        private final String error;
        private final boolean once;
        private boolean failed;

        FullDisk(Path path, long capacity, String error, boolean once) throws IOException {
            this.file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.capacity = capacity;
            this.error = error;
            this.once = once;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (once && failed) {
                return file.write(source);
            }
            long room = capacity - file.position();
            if (room <= 0) {
                failed = true;
                throw new IOException(error);
            }
            if (source.remaining() <= room) {
                return file.write(source);
            }
            ByteBuffer part = source.slice(source.position(), (int) room);
            int n = file.write(part);
            source.position(source.position() + n);
            return n;
        }

        @Override
        public int read(ByteBuffer destination) throws IOException {
            return file.read(destination);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long position) throws IOException {
            file.position(position);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private static String runJvm(String heap, String mainClass, String... args) throws Exception {
        List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), heap,
                "-cp", System.getProperty("java.class.path"), mainClass));
        java.addAll(List.of(args));
        List<String> command = args[0].equals("full")
                ? List.of("/bin/sh", "-c", "ulimit -f 1024 && exec \"$@\"", "sh")
                : List.of();
        List<String> all = new ArrayList<>(command);
        all.addAll(java);
        ProcessBuilder builder = new ProcessBuilder(all).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process jvm = builder.start();
        String output = new String(jvm.getInputStream().readAllBytes(), UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not end");
        assertEquals(0, jvm.exitValue(), () -> "the JVM failed: " + output);
        return output;
    }

    /** Records 50 MB of output in its own JVM, keeping none of it, so the heap limit is the recorder's. */
    static final class Child {

        static final int CHUNK_BYTES = 16 * 1024;
        static final long TOTAL_BYTES = 50L * 1024 * 1024;

        public static void main(String[] args) throws IOException {
            byte[] chunk = new byte[CHUNK_BYTES];
            byte[] line = "0123456789 abcdef \"quoted\" Grüße 😀\r\n".getBytes(UTF_8);
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = line[i % line.length]; // splits a character between chunks now and then
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES);
            try (AsciicastRecorder recorder = AsciicastRecorder.create(Path.of(args[1]), "big", 80, 24,
                    Map.of("TERM", "xterm"), args[0], false)) {
                for (long written = 0; written < TOTAL_BYTES; written += CHUNK_BYTES) {
                    buffer.clear().put(chunk).flip();
                    recorder.output(buffer);
                    recorder.resize(-1, -1); // ignored: no player could show it
                }
            }
            System.out.println("recorded");
        }
    }
}
