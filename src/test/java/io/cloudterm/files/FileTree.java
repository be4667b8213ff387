package io.cloudterm.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory to share and what surrounds it, with every trap a request path could reach for:
 * a secret next to the root, links out of it (to a file and to a directory), links inside it,
 * hidden files, a link to a hidden file, a named pipe.
 */
final class FileTree {

    final Path root;
    final Path outside;

    private FileTree(Path root, Path outside) {
        this.root = root;
        this.outside = outside;
    }

    /** The tree under {@code base}: {@code base/shared} is the root, {@code base/outside} is not. */
    static FileTree create(Path base) throws IOException {
        Path root = Files.createDirectories(base.resolve("shared"));
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "not for you");
        Files.writeString(root.resolve("a.txt"), "hello");
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.writeString(root.resolve("sub/b.txt"), "below");
        Files.writeString(root.resolve("sub/deeper/c.txt"), "deeper");
        Files.writeString(root.resolve(".hidden"), "hidden");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "hidden too");
        Files.createSymbolicLink(root.resolve("link-in"), root.resolve("sub/b.txt"));
        Files.createSymbolicLink(root.resolve("link-in-relative"), Path.of("sub/b.txt"));
        Files.createSymbolicLink(root.resolve("link-out"), outside.resolve("secret"));
        Files.createSymbolicLink(root.resolve("link-out-relative"), Path.of("../outside/secret"));
        Files.createSymbolicLink(root.resolve("link-dir-out"), outside);
        Files.createSymbolicLink(root.resolve("sub/up"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("sub/upup"), Path.of("../.."));
        Files.createSymbolicLink(root.resolve("link-hidden"), root.resolve(".hidden"));
        Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nothing-here"));
        try {
            new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new FileTree(root.toRealPath(), outside.toRealPath());
    }
}
