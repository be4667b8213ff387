package io.cloudterm.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recordings in one directory, by terminal handle, and whose each is: those this server makes,
 * and those an earlier run left there, found by their names, {@code <time>-<user>-<handle>.cast}.
 * The name is the only record of whose a file is, so the user is written in it reversibly: letters,
 * digits, {@code .} and {@code -} as they are, any other byte of its UTF-8 as {@code _HH}, and the
 * anonymous user as a lone {@code _}; a name that does not decode is nobody's and is not offered.
 *
 * <p>The index is bounded: past {@code maxEntries} the oldest are dropped from it (not from disk).
 * Knows nothing of HTTP or of authentication: a user is the name the caller gives.
 */
public final class Recordings {

    /** A recording file, the terminal it records and the user whose terminal it was. */
    public record Recorded(String handle, String owner, Path file, Instant started) {
    }

    /** Ten thousand entries of a few hundred bytes: a few MiB at most, years of a busy team's terminals. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private static final Logger LOG = Logger.getLogger(Recordings.class.getName());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** The handle is 22 characters of URL-safe base64 (which may hold {@code -}): it is taken from the end. */
    private static final Pattern NAME = Pattern.compile("(\\d{8}-\\d{6})-(.+)-([A-Za-z0-9_-]{22})\\.cast");
    private static final String ANONYMOUS = "_";

    private final Path directory;
    private final boolean recordInput;
    private final int maxEntries;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final Map<String, Recorded> byHandle = new HashMap<>();
    private final TreeSet<Recorded> byAge = new TreeSet<>(
            Comparator.comparing(Recorded::started).thenComparing(Recorded::handle));

    private Recordings(Path directory, boolean recordInput, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the recordings index must hold at least one entry, not " + maxEntries);
        }
        this.directory = directory;
        this.recordInput = recordInput;
        this.maxEntries = maxEntries;
    }

    /**
     * The recordings of {@code directory}: those already in it are listed now (the newest
     * {@code maxEntries}), each offered to the user its name says.
     */
    public static Recordings open(Path directory, boolean recordInput, int maxEntries) throws IOException {
        Recordings recordings = new Recordings(directory, recordInput, maxEntries);
        recordings.scan();
        return recordings;
    }

    /**
     * Starts recording terminal {@code handle} of {@code user} (empty for the anonymous user) as
     * {@code <time>-<user>-<handle>.cast}, named so that a listing sorts by time and says whose each is.
     */
    public AsciicastRecorder start(String handle, String user, int columns, int rows, Map<String, String> env,
                                   String title) throws IOException {
        LocalDateTime now = LocalDateTime.now();
        AsciicastRecorder recorder = AsciicastRecorder.create(directory,
                fileName(now, user, handle), columns, rows, env, title, recordInput);
        add(new Recorded(handle, user, recorder.file(), now.atZone(ZoneId.systemDefault()).toInstant()));
        return recorder;
    }

    /** The recordings of {@code user}'s terminals, newest first. */
    public List<Recorded> of(String user) {
        lock.lock();
        try {
            return byAge.descendingSet().stream().filter(r -> r.owner().equals(user)).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Recording {@code handle} if it is {@code user}'s; others' look like none. */
    public Optional<Recorded> find(String handle, String user) {
        lock.lock();
        try {
            Recorded recorded = handle == null ? null : byHandle.get(handle);
            return recorded != null && recorded.owner().equals(user) ? Optional.of(recorded) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** The file name (without {@code .cast}) of terminal {@code handle}'s recording, started at {@code time}. */
    static String fileName(LocalDateTime time, String user, String handle) {
        return TIME.format(time) + "-" + encodeUser(user) + "-" + handle;
    }

    static String encodeUser(String user) {
        if (user.isEmpty()) {
            return ANONYMOUS;
        }
        StringBuilder name = new StringBuilder();
        for (byte b : user.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
                name.append(c);
            } else {
                name.append('_').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return name.toString();
    }

    /** The user a file name names, or empty if it names nobody (the writer never makes such a name). */
    static Optional<String> decodeUser(String name) {
        if (name.equals(ANONYMOUS)) {
            return Optional.of("");
        }
        ByteBuffer bytes = ByteBuffer.allocate(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_') {
                if (i + 2 >= name.length()) {
                    return Optional.empty();
                }
                String hex = name.substring(i + 1, i + 3);
                if (!HexFormat.isHexDigit(hex.charAt(0)) || !HexFormat.isHexDigit(hex.charAt(1))) {
                    return Optional.empty();
                }
                bytes.put((byte) HexFormat.fromHexDigits(hex));
                i += 2;
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
                bytes.put((byte) c);
            } else {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip()).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Lists the recordings an earlier run left, skipping (with a line in the log) names that say no user. */
    private void scan() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.cast")) {
            for (Path file : files) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // only files this server wrote: never follow a link out of the directory
                }
                String fileName = file.getFileName().toString();
                Matcher name = NAME.matcher(fileName);
                if (!name.matches()) {
                    continue; // not one of ours
                }
                Optional<String> user = decodeUser(name.group(2));
                Optional<Instant> started = parseTime(name.group(1));
                if (user.isEmpty() || started.isEmpty()) {
                    LOG.info("recording " + fileName + " is not offered for download: its name says no user and time");
                    continue;
                }
                add(new Recorded(name.group(3), user.get(), file, started.get()));
            }
        }
    }

    private static Optional<Instant> parseTime(String time) {
        try {
            return Optional.of(LocalDateTime.parse(time, TIME).atZone(ZoneId.systemDefault()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void add(Recorded recorded) {
        lock.lock();
        try {
            Recorded replaced = byHandle.put(recorded.handle(), recorded);
            if (replaced != null) {
                byAge.remove(replaced);
            }
            byAge.add(recorded);
            while (byAge.size() > maxEntries) {
                byHandle.remove(byAge.pollFirst().handle());
            }
        } finally {
            lock.unlock();
        }
    }
}
