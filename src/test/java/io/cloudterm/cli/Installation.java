package io.cloudterm.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * What {@code package} lays out, made from this build's classes for tests that run before it: the
 * launcher script {@code cloudterm}, {@code cloudterm.jar} with the product's manifest, and its
 * libraries in {@code libs/}; plus a fake Java 17 and the few tools the script uses, to make a PATH
 * on which no java is new enough. Processes get a clean environment: no JAVA_HOME, no JVM options.
 */
final class Installation {

    static final Path SCRIPT = Path.of(System.getProperty("basedir", ".")).resolve("src/main/sh/cloudterm");

    final Path dir;
    final Path launcher;
    /** A JDK directory of a Java 17 whose java fails as a real one would on our classes. */
    final Path oldJdk;
    /** sh and the tools the script calls, and nothing else: no java. */
    final Path tools;

    private Installation(Path dir) {
        this.dir = dir;
        this.launcher = dir.resolve("cloudterm");
        this.oldJdk = dir.resolve("jdks/jdk-17");
        this.tools = dir.resolve("tools");
    }

    static Installation in(Path dir) throws IOException {
        Installation installation = new Installation(dir);
        installation.lay();
        return installation;
    }

    private void lay() throws IOException {
        Files.copy(SCRIPT, launcher);
        executable(launcher);
        Path libs = Files.createDirectories(dir.resolve("libs"));
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(libs.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(libs.resolve(jar.getFileName()), jar.toAbsolutePath());
                classPath.add("libs/" + jar.getFileName());
            }
        }
        writeJar(dir.resolve("cloudterm.jar"), Path.of(System.getProperty("cloudterm.classes", "target/classes")), classPath);

        Files.createDirectories(oldJdk.resolve("bin"));
        Files.writeString(oldJdk.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path oldJava = oldJdk.resolve("bin/java");
        Files.writeString(oldJava, "#!/bin/sh\necho 'Error: java.lang.UnsupportedClassVersionError (this is a Java 17)' >&2\nexit 1\n");
        executable(oldJava);

        Files.createDirectories(tools);
        for (String tool : List.of("sh", "sed", "dirname", "basename", "readlink", "head")) {
            Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
        }
    }

    /** The product's manifest, as the jar plugin writes it. */
    private static void writeJar(Path jar, Path classes, List<String> classPath) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, CloudTerm.class.getName());
        main.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        main.putValue("Enable-Native-Access", "ALL-UNNAMED");
        main.putValue("Add-Opens", "java.base/java.net java.base/java.io");
        main.putValue("Add-Exports", "java.base/sun.nio.ch");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** A directory holding JDKs: the one running this test, and the fake old one. */
    Path jdksWithTheTestJdk() {
        return Path.of(System.getProperty("java.home")).getParent();
    }

    /** The launcher's environment: PATH with only the old java and the tools, no JAVA_HOME or JVM options. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", oldJdk.resolve("bin") + File.pathSeparator + tools);
        env.put("HOME", dir.toString());
        env.put("LANG", "C.UTF-8");
        return env;
    }

    /** Starts the launcher with {@code args} in {@code env}; stdout and stderr stay apart. */
    Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    record Run(int status, String out, String err) {
    }

    /** Runs the launcher to its end; one still running after 60 s (a server that started) is stopped and fails the test. */
    Run run(Map<String, String> env, String... args) throws Exception {
        Process process = start(env, args);
        process.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            throw new AssertionError("still running after 60 s, so stopped: " + String.join(" ", args) + "\n"
                    + out.get(10, TimeUnit.SECONDS) + err.get(10, TimeUnit.SECONDS));
        }
        return new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    /** What {@code in} gave until its end, or until Process.destroy() closed it under the reader. */
    static String read(java.io.InputStream in) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // closed by destroy(): what came before is the answer
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new AssertionError(tool + " is not on PATH");
    }

}
