package io.cloudterm.web;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/** What the kernel says about processes and file descriptors, for tests. */
final class Processes {

    private Processes() {
    }

    /** Whether {@code pid} exists and is not a zombie. */
    static boolean alive(long pid) {
        String state = state(pid);
        return state != null && !state.equals("Z");
    }

    /** Whether {@code pid} has no process entry at all (exited and reaped). */
    static boolean gone(long pid) {
        return state(pid) == null;
    }

    /** Waits until {@code pid} is gone (reaped); false on timeout. */
    static boolean awaitGone(long pid, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> gone(pid));
            return true;
        } catch (ConditionTimeoutException e) {
            return false; // the caller's assertion says which process and why it matters
        }
    }

    /** Our own children that are zombies (exited, never reaped). */
    static List<Long> zombieChildren() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).filter(p -> "Z".equals(state(p))).toList();
    }

    /**
     * Our zombie children once they had a moment to be reaped: a helper process (stty, kill, script)
     * is a zombie for the instant between its exit and the JDK's reaper collecting it; one that
     * stays is the defect.
     */
    static List<Long> lastingZombies(Duration patience) {
        try {
            return await().atMost(patience).pollInterval(Duration.ofMillis(20)).until(Processes::zombieChildren, List::isEmpty);
        } catch (ConditionTimeoutException e) {
            return zombieChildren();
        }
    }

    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": comm may contain spaces and parentheses; the state follows the last ')'.
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return null;
        }
    }
}
