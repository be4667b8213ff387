package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A request path below a shared directory, as a client may send anything: whatever it holds,
 * resolving it never throws, never finds a file outside the root (links out are not followed)
 * or a hidden one, and with links followed leaves the root only through a link that leads out.
 */
class FileRootFuzzTest {

    private static final Path BASE = temporaryTree();
    private static final FileTree TREE = tree();
    private static final FileRoot CLOSED = root(false);
    private static final FileRoot FOLLOWING = root(true);

    @FuzzTest
    @DictionaryEntries({"..", "%2e", "%2E%2e", "%2f", "%5c", "\\", "%00", "%c0%ae", "%e0%80%ae", "%25", "%252e", "/", "//",
            "link-out", "link-dir-out", "link-hidden", "sub", "up", "upup", "a.txt", ".hidden", ".git", "secret", "outside"})
    void noPathLeavesTheRoot(byte[] input) {
        // As the request line's bytes (Latin-1, one char each) and as UTF-8 text.
        for (String raw : new String[] {new String(input, StandardCharsets.ISO_8859_1), new String(input, StandardCharsets.UTF_8)}) {
            if (CLOSED.resolve(raw) instanceof FileRoot.Found found) {
                assertTrue(found.path().startsWith(TREE.root), raw + " resolved outside the root: " + found.path());
                for (Path name : TREE.root.relativize(found.path())) {
                    assertTrue(!name.toString().startsWith("."), raw + " resolved to a hidden file: " + found.path());
                }
            }
            if (FOLLOWING.resolve(raw) instanceof FileRoot.Found found && !found.path().startsWith(TREE.root)) {
                assertTrue(raw.contains("link-out") || raw.contains("link-dir-out") || raw.contains("upup"),
                        raw + " left the root without a link that leads out: " + found.path());
            }
        }
    }

    private static Path temporaryTree() {
        try {
            Path base = Files.createTempDirectory("file-root-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(base)));
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTree tree() {
        try {
            return FileTree.create(BASE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileRoot root(boolean followSymlinks) {
        try {
            return new FileRoot(TREE.root, followSymlinks, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path base) {
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is the operating system's to clear.
        }
    }
}
