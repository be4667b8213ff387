package io.cloudterm.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.pty.Signal;
import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-written bindings against the C compiler: every constant in {@link LibcHeaders}, every C
 * type in {@link Libc}, and the size and field offsets of every struct layout, printed by a C
 * program compiled here with gcc from the real headers. One wrong number fails the test, naming it.
 */
class LibcHeadersTest {

    private static final Path GCC = Path.of("/usr/bin/gcc");

    /** The Java layout of each struct, with the C type it stands for. */
    private static final Map<String, GroupLayout> STRUCTS = new LinkedHashMap<>();

    static {
        STRUCTS.put("struct winsize", winsize.layout());
        STRUCTS.put("struct epoll_event", epoll_event.layout());
        STRUCTS.put("sigset_t", sigset_t.layout());
        STRUCTS.put("posix_spawnattr_t", posix_spawnattr_t.layout());
        STRUCTS.put("posix_spawn_file_actions_t", posix_spawn_file_actions_t.layout());
        STRUCTS.put("struct iovec", iovec.layout());
        STRUCTS.put("struct linger", linger.layout());
    }

    /** Wait statuses to decode both ways: exits, deaths by signal (one with a core), a stop. */
    private static final int[] WAIT_STATUSES = {0, 0x0100, 0x0300, 0xff00, 0x0001, 0x0002, 0x0009, 0x000f, 0x008b, 0x137f, 0xffff};

    /** Public methods of Libc that are ours, not bindings of a C function. */
    private static final Set<String> HELPERS = Set.of("allocateCallState", "errno");

    private static Map<String, Long> fromC;

    @BeforeAll
    static void runTheCProgram(@TempDir Path temp) throws Exception {
        assumeTrue(Files.isExecutable(GCC), "no C compiler at " + GCC);
        Path source = temp.resolve("headers.c");
        Files.writeString(source, cProgram());
        Path program = temp.resolve("headers");
        run(List.of(GCC.toString(), "-Wall", "-Werror", "-o", program.toString(), source.toString()));
        fromC = new TreeMap<>();
        for (String line : run(List.of(program.toString())).split("\n")) {
            int space = line.lastIndexOf(' ');
            fromC.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
    }

    @Test
    void everyConstantMatchesTheHeaders() throws Exception {
        Map<String, Long> java = new TreeMap<>();
        for (Field constant : constants()) {
            java.put(constant.getName(), ((Number) constant.get(null)).longValue());
        }
        assertTrue(java.size() > 30, "the constants were found: " + java.keySet());
        assertSameAsC(java);
    }

    @Test
    void everyCTypeHasTheSizeOfItsLayout() throws Exception {
        Map<String, Long> java = new TreeMap<>();
        for (Map.Entry<String, ValueLayout> type : cTypes().entrySet()) {
            java.put("sizeof(" + type.getKey() + ")", type.getValue().byteSize());
        }
        assertSameAsC(java);
    }

    @Test
    void everyStructHasTheSizeAndFieldOffsetsOfTheHeaders() {
        Map<String, Long> java = new TreeMap<>();
        STRUCTS.forEach((type, layout) -> {
            java.put("sizeof(" + type + ")", layout.byteSize());
            offsets(type, layout, "", 0, java);
        });
        assertSameAsC(java);
        assertEquals(4L, java.get("offsetof(struct epoll_event, data)"), "x86_64 packs epoll_event");
    }

    @Test
    void noLayoutIsLessAlignedThanItsCType() {
        STRUCTS.forEach((type, layout) -> assertTrue(layout.byteAlignment() >= fromC.get("_Alignof(" + type + ")"),
                () -> type + ": Java aligns to " + layout.byteAlignment() + ", C to " + fromC.get("_Alignof(" + type + ")")));
    }

    @Test
    void waitStatusMacrosDecodeAsInC() {
        Map<String, Long> java = new TreeMap<>();
        for (int status : WAIT_STATUSES) {
            java.put("WIFEXITED(" + status + ")", LibcHeaders.WIFEXITED(status) ? 1L : 0L);
            java.put("WEXITSTATUS(" + status + ")", (long) LibcHeaders.WEXITSTATUS(status));
            java.put("WIFSIGNALED(" + status + ")", LibcHeaders.WIFSIGNALED(status) ? 1L : 0L);
            java.put("WTERMSIG(" + status + ")", (long) LibcHeaders.WTERMSIG(status));
        }
        assertSameAsC(java);
    }

    @Test
    void signalNumbersOfTheContractAreTheHeaders() {
        for (Signal signal : Signal.values()) {
            assertEquals(signal.linuxNumber(), NativePty.number(signal), signal.name());
            assertEquals(fromC.get("SIG" + signal.name()), (long) NativePty.number(signal), signal.name());
        }
    }

    @Test
    void theJextractIncludeListNamesEveryBinding() throws Exception {
        Set<String> listed = Files.readAllLines(Path.of("jextract/includes.txt")).stream()
                .map(String::strip).filter(line -> line.startsWith("--include-")).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (Field constant : constants()) {
            missing.add("--include-constant " + constant.getName());
        }
        for (Method function : Libc.class.getDeclaredMethods()) {
            if (Modifier.isPublic(function.getModifiers()) && !HELPERS.contains(function.getName())) {
                missing.add("--include-function " + function.getName());
            }
        }
        for (String type : STRUCTS.keySet()) {
            missing.add(type.startsWith("struct ") ? "--include-struct " + type.substring(7) : "--include-typedef " + type);
        }
        cTypes().keySet().stream().filter(type -> type.endsWith("_t")).forEach(type -> missing.add("--include-typedef " + type));
        missing.removeAll(listed);
        assertEquals(List.of(), missing, "bindings missing from jextract/includes.txt");
    }

    // ---- the C program ----

    private static String cProgram() throws IllegalAccessException {
        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <errno.h>
                #include <fcntl.h>
                #include <limits.h>
                #include <signal.h>
                #include <spawn.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <stdlib.h>
                #include <sys/epoll.h>
                #include <sys/eventfd.h>
                #include <sys/ioctl.h>
                #include <sys/socket.h>
                #include <sys/syscall.h>
                #include <sys/types.h>
                #include <sys/uio.h>
                #include <sys/wait.h>
                #include <unistd.h>

                #define PRINT(name, value) printf("%s %lld\\n", name, (long long) (value))

                int main(void) {
                """);
        for (Field constant : constants()) {
            c.append("    PRINT(\"").append(constant.getName()).append("\", ").append(constant.getName()).append(");\n");
        }
        for (String type : cTypes().keySet()) {
            print(c, "sizeof(" + type + ")");
        }
        Map<String, Long> offsets = new TreeMap<>();
        STRUCTS.forEach((type, layout) -> {
            print(c, "sizeof(" + type + ")");
            print(c, "_Alignof(" + type + ")");
            offsets(type, layout, "", 0, offsets);
        });
        offsets.keySet().forEach(expression -> print(c, expression));
        for (int status : WAIT_STATUSES) {
            for (String macro : List.of("WIFEXITED", "WEXITSTATUS", "WIFSIGNALED", "WTERMSIG")) {
                print(c, macro + "(" + status + ")");
            }
        }
        return c.append("    return 0;\n}\n").toString();
    }

    private static void print(StringBuilder c, String expression) {
        c.append("    PRINT(\"").append(expression).append("\", ").append(expression).append(");\n");
    }

    /** {@code offsetof(type, a.b)} of every named field, into nested structs and unions; glibc's private "__" fields are skipped. */
    private static void offsets(String type, GroupLayout group, String prefix, long base, Map<String, Long> into) {
        for (MemoryLayout member : group.memberLayouts()) {
            if (member instanceof PaddingLayout || member.name().isEmpty() || member.name().get().startsWith("__")) {
                continue;
            }
            String path = prefix + member.name().get();
            long offset = base + group.byteOffset(MemoryLayout.PathElement.groupElement(member.name().get()));
            into.put("offsetof(" + type + ", " + path + ")", offset);
            if (member instanceof GroupLayout nested) {
                offsets(type, nested, path + ".", offset, into);
            }
        }
    }

    /** The public static final numbers of LibcHeaders: the C constants, named as in C. */
    private static List<Field> constants() {
        List<Field> constants = new ArrayList<>();
        for (Field field : LibcHeaders.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                    && (field.getType() == int.class || field.getType() == long.class || field.getType() == short.class)) {
                constants.add(field);
            }
        }
        return constants;
    }

    /** The C types Libc declares, by their C spelling: jextract's C_INT is {@code int}, a typedef is its own name. */
    private static Map<String, ValueLayout> cTypes() throws IllegalAccessException {
        Map<String, String> builtIn = Map.of("C_SHORT", "short", "C_INT", "int", "C_LONG", "long", "C_POINTER", "void *");
        Map<String, ValueLayout> types = new TreeMap<>();
        for (Field field : Libc.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && ValueLayout.class.isAssignableFrom(field.getType())) {
                types.put(builtIn.getOrDefault(field.getName(), field.getName()), (ValueLayout) field.get(null));
            }
        }
        return types;
    }

    /** Fails with one line per difference, e.g. {@code O_NOCTTY: Java 257, C 256}. */
    private static void assertSameAsC(Map<String, Long> java) {
        List<String> differences = new ArrayList<>();
        java.forEach((name, value) -> {
            if (!value.equals(fromC.get(name))) {
                differences.add(name + ": Java " + value + ", C " + fromC.get(name));
            }
        });
        assertTrue(differences.isEmpty(), () -> "the Java side differs from the C headers:\n" + String.join("\n", differences));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), command.get(0) + " did not finish");
        assertEquals(0, process.exitValue(), () -> command.get(0) + " failed:\n" + output);
        return output;
    }
}
