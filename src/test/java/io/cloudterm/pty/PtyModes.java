package io.cloudterm.pty;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.platform.Platform;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The pty implementations the tests run against. Both by default; {@code -Dcloudterm.test.pty.modes=OFF}
 * runs only the pure-Java one (while the native layer is being written). The native cases are skipped
 * only where the native layer cannot exist (not Linux, JDK before 22); anywhere else they fail when it
 * does not load, so a broken native layer cannot hide behind a skipped test.
 */
final class PtyModes {

    static final String PROPERTY = "cloudterm.test.pty.modes";

    private static final Map<NativeMode, Platform> PLATFORMS = new EnumMap<>(NativeMode.class);

    private PtyModes() {
    }

    /** The modes asked for: {@code OFF} (pure Java) and {@code ON} (native). */
    static Stream<NativeMode> selected() {
        return Arrays.stream(System.getProperty(PROPERTY, "OFF,ON").split(","))
                .map(String::strip)
                .filter(name -> !name.isEmpty())
                .map(name -> NativeMode.valueOf(name.toUpperCase(Locale.ROOT)));
    }

    static boolean nativeSelected() {
        return selected().anyMatch(mode -> mode == NativeMode.ON);
    }

    static boolean nativeCanExist() {
        return isLinux() && Runtime.version().feature() >= 22;
    }

    static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /** The ptys of the platform for {@code mode}, made once per test JVM; for ON, throws if the native layer cannot load. */
    static synchronized PtySystem system(NativeMode mode) {
        if (mode == NativeMode.ON) {
            assumeTrue(nativeCanExist(), "the native layer exists only on Linux with JDK 22 or newer");
        }
        return PLATFORMS.computeIfAbsent(mode, Platform::select).ptys();
    }

    static synchronized void closeAll() {
        PLATFORMS.values().forEach(Platform::close);
        PLATFORMS.clear();
    }
}
