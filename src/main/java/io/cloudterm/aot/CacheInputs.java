package io.cloudterm.aot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * What an AOT cache was made from: the JDK, and each jar of the class path with its size and
 * time. The JVM refuses a cache when any of them changed, so a cache is rebuilt exactly then.
 *
 * @param jars the class path the launch arguments name, in order
 */
record CacheInputs(List<Path> jars) {

    /** The jars of {@code -jar X} (X and its manifest's Class-Path) or of {@code -cp A:B}. */
    static CacheInputs of(List<String> launch) {
        for (int i = 0; i < launch.size() - 1; i++) {
            String option = launch.get(i);
            if (option.equals("-jar")) {
                return new CacheInputs(withManifestClassPath(Path.of(launch.get(i + 1))));
            }
            if (option.equals("-cp") || option.equals("-classpath") || option.equals("--class-path")) {
                List<Path> jars = new ArrayList<>();
                for (String entry : launch.get(i + 1).split(java.io.File.pathSeparator)) {
                    jars.add(Path.of(entry));
                }
                return new CacheInputs(List.copyOf(jars));
            }
        }
        throw new IllegalArgumentException("the launch arguments name no class path (-jar or -cp): " + launch);
    }

    private static List<Path> withManifestClassPath(Path jar) {
        List<Path> jars = new ArrayList<>(List.of(jar));
        try (JarFile file = new JarFile(jar.toFile())) {
            String classPath = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                Path dir = jar.toAbsolutePath().getParent();
                for (String entry : classPath.trim().split("\\s+")) {
                    jars.add(dir.resolve(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        return List.copyOf(jars);
    }

    /** A digest that changes whenever the JDK or any jar does. */
    String fingerprint() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(description().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private String description() {
        StringBuilder line = new StringBuilder(Runtime.version().toString()).append(' ').append(System.getProperty("java.home"));
        for (Path jar : jars) {
            line.append(' ').append(jar.toAbsolutePath());
            try {
                line.append(':').append(Files.size(jar)).append(':').append(Files.getLastModifiedTime(jar).toMillis());
            } catch (IOException e) {
                line.append(":missing");
            }
        }
        return line.toString();
    }
}
