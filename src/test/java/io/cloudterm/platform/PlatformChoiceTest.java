package io.cloudterm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The platform is chosen once, by {@code --native}, and says which one runs and why in the same
 * words as when the pty system chose itself. The JVM without native access is
 * {@code NativeFallbackTest}'s, in a process of its own.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PlatformChoiceTest {

    private static final String NATIVE = "native (posix_spawn, epoll)";
    private static final Logger LOG = Logger.getLogger(Platform.class.getName());

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        LOG.addHandler(recorder);
    }

    @AfterEach
    void stopListening() {
        LOG.removeHandler(recorder);
    }

    @Test
    void offIsPureJavaAsTheOptionAsksAndOffersNoSocketsNorHeap() {
        try (Platform platform = Platform.select(NativeMode.OFF)) {
            assertEquals(PtySystem.pureJava().description(), platform.description());
            assertEquals(PtySystem.pureJava().description(), platform.ptys().description());
            assertTrue(platform.rawSockets().isEmpty(), "pure Java drives no sockets of its own");
            assertTrue(platform.nativeHeap().isEmpty(), "pure Java has no C heap to trim");
        }
        assertEquals(List.of("pty: pure-Java mode (script(1) and stty), as --native=off asks"), logged);
    }

    @Test
    void onIsNativeWithItsSocketsAndHeap() {
        assumeNativeCanRun();
        try (Platform platform = Platform.select(NativeMode.ON)) {
            assertEquals(NATIVE, platform.description());
            assertEquals(NATIVE, platform.ptys().description());
            assertTrue(platform.rawSockets().isPresent(), "the native poller drives sockets too");
            assertTrue(platform.nativeHeap().isPresent(), "glibc's heap can be trimmed");
        }
        assertEquals(List.of("pty: native mode, " + NATIVE), logged);
    }

    @Test
    void autoIsNativeWhereTheNativeLayerRuns() {
        assumeNativeCanRun();
        try (Platform platform = Platform.select(NativeMode.AUTO)) {
            assertEquals(NATIVE, platform.description());
        }
        assertEquals(List.of("pty: native mode, " + NATIVE), logged);
    }

    @Test
    void closingTheNativePlatformStopsItsPtysAndItsSocketsAlike() {
        assumeNativeCanRun();
        Platform platform = Platform.select(NativeMode.ON);
        platform.close();
        PtySpec spec = new PtySpec(List.of("true"), Path.of("").toAbsolutePath(), Map.of("PATH", "/usr/bin:/bin"), 80, 24);
        assertThrows(IOException.class, () -> platform.ptys().spawn(spec));
        assertThrows(IOException.class, () -> platform.rawSockets().orElseThrow().adopt(0));
    }

    private static void assumeNativeCanRun() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                && Runtime.version().feature() >= 22, "the native layer exists only on Linux with JDK 22 or newer");
    }
}
