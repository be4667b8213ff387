package io.cloudterm.auth;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * The accounts of a users file ({@code --users FILE}, htpasswd's format with bcrypt hashes), kept
 * current while the server runs: when the file's modification time, size or inode changes (or its
 * bytes, while its modification time is only seconds old), the next lookup reads it again.
 *
 * <p>Changes are noticed by a look at the file's attributes on lookup, at most once a second, rather
 * than by a watcher thread: no thread to start and stop, and it works wherever {@code stat} does,
 * where inotify misses NFS and files replaced behind a symbolic link (Kubernetes secrets). A stat a
 * second costs nothing, and reading the file needs no bcrypt. If the file cannot be read, the
 * accounts read before stay, with one warning; a malformed line is skipped with a warning that gives
 * its number and never its text; of two lines for one user the first counts.
 *
 * <p>When a reload removes a user or changes their hash, the {@link #onChange} listeners hear the
 * names, so that sessions, remembered credentials and open terminals granted on the old password
 * can end (see {@link Authenticator}).
 *
 * <p>Thread-safe: lookups read an immutable snapshot; one caller at a time reloads, the others go on
 * with the snapshot they have.
 */
public final class UsersFile implements Accounts {

    private static final Logger LOG = Logger.getLogger(UsersFile.class.getName());
    private static final Duration RECHECK = Duration.ofSeconds(1);
    /**
     * As git's "racy clean" check: the kernel stamps mtime from a coarse clock (a jiffy, and seconds on
     * some filesystems), so a rewrite to the same size just after we read could leave the stamp as it
     * was. Until the mtime is this old, the bytes are compared too.
     */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    /** {@code settled}: the file's mtime was old enough when read that a later write must change it. */
    private record Snapshot(Stamp stamp, boolean settled, byte[] content, Map<String, BcryptHash> accounts,
            BcryptHash unknownUser) {
    }

    private final Path file;
    private final long recheckNanos;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile Snapshot current;
    private volatile long checkedAt;
    private String lastFailure;
    private final java.util.List<Consumer<Set<String>>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private UsersFile(Path file, Duration recheck) {
        this.file = file;
        this.recheckNanos = recheck.toNanos();
    }

    /**
     * Reads the users file; throws an {@link IllegalArgumentException} that names the file and why
     * if it cannot be read now.
     */
    public static UsersFile open(Path file) {
        return open(file, RECHECK);
    }

    /** As {@link #open(Path)}, looking for changes at most once per {@code recheck}. */
    public static UsersFile open(Path file, Duration recheck) {
        UsersFile users = new UsersFile(file.toAbsolutePath(), recheck);
        try {
            users.current = users.read(stamp(users.file), null);
        } catch (IOException e) {
            throw new IllegalArgumentException("users file " + users.file + " cannot be read (" + reason(e) + ")", e);
        }
        users.checkedAt = System.nanoTime();
        return users;
    }

    public Path path() {
        return file;
    }

    /** The hash of {@code user}'s password, if the file has that user. */
    public Optional<BcryptHash> hashOf(String user) {
        return Optional.ofNullable(user).map(snapshot().accounts()::get);
    }

    @Override
    public Optional<Object> credentialOf(String user) {
        return hashOf(user).map(hash -> hash);
    }

    @Override
    public void onChange(Consumer<Set<String>> listener) {
        listeners.add(listener);
    }

    @Override
    public void recheck() {
        snapshot();
    }

    /**
     * A hash no password matches, of the cost most of the file's hashes have, so that checking a
     * password for an unknown user name takes as long as for a known one.
     */
    public BcryptHash unknownUserHash() {
        return snapshot().unknownUser();
    }

    /** How many accounts the file has now. */
    public int size() {
        return snapshot().accounts().size();
    }

    private Snapshot snapshot() {
        long now = System.nanoTime();
        Set<String> changed = Set.of();
        if (now - checkedAt >= recheckNanos && reloading.tryLock()) {
            try {
                if (now - checkedAt >= recheckNanos) {
                    Snapshot before = current;
                    reloadIfChanged();
                    checkedAt = System.nanoTime();
                    changed = changedUsers(before.accounts(), current.accounts());
                }
            } finally {
                reloading.unlock();
            }
        }
        Snapshot snapshot = current;
        if (!changed.isEmpty()) {
            Set<String> names = changed;
            LOG.info(() -> "users file " + file + ": " + names.size() + " account(s) removed or given a new password;"
                    + " their sessions end");
            for (Consumer<Set<String>> listener : listeners) {
                listener.accept(names);
            }
        }
        return snapshot;
    }

    /** The users of {@code before} who are missing from {@code after} or have another hash there. */
    private static Set<String> changedUsers(Map<String, BcryptHash> before, Map<String, BcryptHash> after) {
        if (before == after) {
            return Set.of();
        }
        Set<String> changed = new TreeSet<>();
        before.forEach((user, hash) -> {
            if (!hash.equals(after.get(user))) {
                changed.add(user);
            }
        });
        return changed;
    }

    private void reloadIfChanged() {
        try {
            Stamp stamp = stamp(file);
            if (!stamp.equals(current.stamp()) || !current.settled()) {
                current = read(stamp, current);
                lastFailure = null;
            }
        } catch (IOException e) {
            String failure = reason(e);
            if (!failure.equals(lastFailure)) {
                lastFailure = failure;
                LOG.warning(() -> "users file " + file + " cannot be read (" + failure + "); keeping the "
                        + current.accounts().size() + " accounts read before");
            }
        }
    }

    /**
     * Reads the file whose attributes were {@code stamp} (taken first: a change meanwhile is seen next
     * time), parsing it unless it holds the same bytes as {@code before}.
     */
    private Snapshot read(Stamp stamp, Snapshot before) throws IOException {
        byte[] content = Files.readAllBytes(file);
        boolean settled = stamp.modified().toInstant().isBefore(Instant.now().minus(SETTLE));
        if (before != null && Arrays.equals(content, before.content())) {
            return new Snapshot(stamp, settled, before.content(), before.accounts(), before.unknownUser());
        }
        Map<String, BcryptHash> accounts = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        Map<Integer, Integer> usersOfCost = new HashMap<>();
        for (UsersFileLine line : UsersFileLine.split(content)) {
            switch (line.meaning()) {
                case UsersFileLine.Malformed m -> LOG.warning(() -> where(line) + m.reason() + "; line skipped");
                case UsersFileLine.Account a when lineOf.containsKey(a.user()) -> LOG.warning(() -> where(line)
                        + "user " + a.user() + " is already on line " + lineOf.get(a.user()) + ", which counts; line skipped");
                case UsersFileLine.Account a -> {
                    accounts.put(a.user(), a.hash());
                    lineOf.put(a.user(), line.number());
                    usersOfCost.merge(a.hash().cost(), 1, Integer::sum);
                }
                case UsersFileLine.Nothing n -> {
                }
            }
        }
        int commonCost = usersOfCost.entrySet().stream()
                .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(PasswordHashes.DEFAULT_COST);
        if (accounts.isEmpty()) {
            LOG.warning(() -> "users file " + file + " has no accounts: nobody can log in");
        } else {
            LOG.info(() -> "users file " + file + ": " + accounts.size() + " accounts");
        }
        return new Snapshot(stamp, settled, content, Map.copyOf(accounts), BcryptHash.unmatchable(commonCost));
    }

    private String where(UsersFileLine line) {
        return "users file " + file + " line " + line.number() + ": ";
    }

    private static Stamp stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, "is not a regular file");
        }
        return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }

    /** Why a file could not be read or written, in a few words. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        };
    }
}
