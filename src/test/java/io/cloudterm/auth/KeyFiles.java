package io.cloudterm.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** Gateway key files as an operator makes them: base64 lines, chmod 600. */
final class KeyFiles {

    private KeyFiles() {
    }

    /** A key of {@code bytes} bytes, every byte {@code fill}, in base64: distinct keys that read well in a test. */
    static String key(int bytes, int fill) {
        byte[] key = new byte[bytes];
        java.util.Arrays.fill(key, (byte) fill);
        return Base64.getEncoder().encodeToString(key);
    }

    static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GatewayKeys keys(Path dir, String name, String content) {
        try {
            return GatewayKeys.read(write(dir, name, content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
