package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.F_GETFL;
import static io.cloudterm.nativeio.LibcHeaders.F_SETFL;
import static io.cloudterm.nativeio.LibcHeaders.O_CLOEXEC;
import static io.cloudterm.nativeio.LibcHeaders.O_NOCTTY;
import static io.cloudterm.nativeio.LibcHeaders.O_NONBLOCK;
import static io.cloudterm.nativeio.LibcHeaders.O_RDWR;
import static io.cloudterm.nativeio.LibcHeaders.POSIX_SPAWN_SETSID;
import static io.cloudterm.nativeio.LibcHeaders.POSIX_SPAWN_SETSIGDEF;
import static io.cloudterm.nativeio.LibcHeaders.POSIX_SPAWN_SETSIGMASK;
import static io.cloudterm.nativeio.LibcHeaders.TIOCSWINSZ;
import static io.cloudterm.nativeio.LibcHeaders._NSIG;

import io.cloudterm.pty.PtySpec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a {@link PtySpec} on a new pty without fork: the JVM is multi-threaded and huge, and
 * posix_spawn (glibc: clone with CLONE_VM|CLONE_VFORK, then exec) is the one safe and cheap way.
 * Every step is one the architecture notes verified on this machine; the comments say why each one
 * is there.
 */
final class Spawner {

    /** The master side of the new pty (O_NONBLOCK, O_CLOEXEC) and the child, which owns the slave. */
    record Child(int master, int pid) {
    }

    private Spawner() {
    }

    static Child spawn(PtySpec spec) throws IOException {
        List<String> environment = environment(spec.environment());
        for (String word : spec.command()) {
            requireNoNul(word, "a command word");
        }
        requireNoNul(spec.directory().toString(), "the working directory");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            // O_NOCTTY: the pty must never become the JVM's controlling terminal.
            int master = Libc.posix_openpt(callState, O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (master < 0) {
                throw new IOException("cannot open a new pty: " + Libc.strerror(Libc.errno(callState)));
            }
            try {
                String slave = prepareMaster(arena, callState, master, spec);
                int pid = posixSpawn(arena, slave, spec, environment);
                return new Child(master, pid);
            } catch (IOException | RuntimeException | Error e) {
                Libc.close(callState, master);
                throw e;
            }
        }
    }

    /** grantpt, unlockpt, the slave's name, O_NONBLOCK, and the size the child finds at its start. */
    private static String prepareMaster(Arena arena, MemorySegment callState, int master, PtySpec spec) throws IOException {
        if (Libc.grantpt(callState, master) < 0) {
            throw Errno.failed("grantpt", Libc.errno(callState));
        }
        if (Libc.unlockpt(callState, master) < 0) {
            throw Errno.failed("unlockpt", Libc.errno(callState));
        }
        MemorySegment name = arena.allocate(128);
        int error = Libc.ptsname_r(master, name, name.byteSize());
        if (error != 0) {
            throw Errno.failed("ptsname_r", error);
        }
        // Non-blocking: reads and writes say EAGAIN and the caller parks on the poller, because a
        // blocking FFM call would pin its virtual thread's carrier.
        int flags = Libc.fcntl(callState, master, F_GETFL, 0);
        if (flags < 0 || Libc.fcntl(callState, master, F_SETFL, flags | O_NONBLOCK) < 0) {
            throw Errno.failed("fcntl(O_NONBLOCK)", Libc.errno(callState));
        }
        MemorySegment size = winsize.allocate(arena);
        winsize.ws_row(size, spec.rows());
        winsize.ws_col(size, spec.columns());
        if (Libc.ioctl(callState, master, TIOCSWINSZ, size) < 0) {
            throw Errno.failed("ioctl(TIOCSWINSZ)", Libc.errno(callState));
        }
        return name.getString(0);
    }

    private static int posixSpawn(Arena arena, String slave, PtySpec spec, List<String> environment) throws IOException {
        MemorySegment attr = posix_spawnattr_t.allocate(arena);
        MemorySegment actions = posix_spawn_file_actions_t.allocate(arena);
        check(Libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
        try {
            check(Libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            try {
                // SETSID: the child leads a new session, so the first tty it opens becomes its
                // controlling terminal. SETSIGMASK with an empty mask: otherwise it inherits the
                // JVM thread's mask (SIGQUIT blocked). SETSIGDEF with every signal: otherwise it may
                // inherit ignored ones (SIGINT), and glibc would ignore its own two internal ones.
                check(Libc.posix_spawnattr_setflags(attr,
                        (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags");
                MemorySegment noSignals = sigset_t.allocate(arena);
                check(Libc.posix_spawnattr_setsigmask(attr, noSignals), "posix_spawnattr_setsigmask");
                MemorySegment allSignals = sigset_t.allocate(arena);
                sigset_t.addRange(allSignals, 1, _NSIG - 1);
                check(Libc.posix_spawnattr_setsigdefault(attr, allSignals), "posix_spawnattr_setsigdefault");

                // glibc runs setsid before the file actions, so opening the slave by path (not
                // dup2 of a slave fd opened here) makes it the controlling terminal.
                check(Libc.posix_spawn_file_actions_addopen(actions, 0, arena.allocateFrom(slave), O_RDWR, 0),
                        "posix_spawn_file_actions_addopen");
                check(Libc.posix_spawn_file_actions_adddup2(actions, 0, 1), "posix_spawn_file_actions_adddup2");
                check(Libc.posix_spawn_file_actions_adddup2(actions, 0, 2), "posix_spawn_file_actions_adddup2");
                // The JVM holds fds without O_CLOEXEC (sockets, jars): the child must not keep them.
                check(Libc.posix_spawn_file_actions_addclosefrom_np(actions, 3), "posix_spawn_file_actions_addclosefrom_np");
                check(Libc.posix_spawn_file_actions_addchdir_np(actions, arena.allocateFrom(spec.directory().toString())),
                        "posix_spawn_file_actions_addchdir_np");

                MemorySegment pid = arena.allocate(Libc.pid_t);
                String program = spec.command().get(0);
                // posix_spawnp looks the program up on this process's PATH (which the server passes on
                // to the child), after the chdir.
                int error = Libc.posix_spawnp(pid, arena.allocateFrom(program), actions, attr,
                        stringArray(arena, spec.command()), stringArray(arena, environment));
                if (error != 0) {
                    String where = Files.isDirectory(spec.directory()) ? "" : " in " + spec.directory();
                    throw new IOException("cannot start '" + program + "'" + where + ": " + Libc.strerror(error));
                }
                return pid.get(Libc.pid_t, 0);
            } finally {
                // Frees what glibc malloc'ed for the actions (the copied slave and directory paths).
                Libc.posix_spawn_file_actions_destroy(actions);
            }
        } finally {
            Libc.posix_spawnattr_destroy(attr);
        }
    }

    /** {@code NAME=VALUE} strings, exactly the spec's variables and nothing of ours. */
    private static List<String> environment(Map<String, String> variables) throws IOException {
        List<String> entries = new ArrayList<>(variables.size());
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            String name = variable.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IOException("environment variable name '" + name + "' is empty or contains '='");
            }
            String entry = name + "=" + variable.getValue();
            requireNoNul(entry, "an environment variable");
            entries.add(entry);
        }
        return entries;
    }

    /** A NULL-terminated {@code char *[]} of C strings, all in {@code arena}. */
    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    private static void requireNoNul(String text, String what) throws IOException {
        if (text.indexOf('\0') >= 0) {
            throw new IOException(what + " contains a NUL character, which no program can receive");
        }
    }

    private static void check(int error, String call) throws IOException {
        if (error != 0) {
            throw Errno.failed(call, error);
        }
    }
}
