package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of request paths built from the pieces of every known escape (dot segments in every
 * spelling, encoded slashes and backslashes, NUL, overlong UTF-8, double encodings, links out of
 * the root) mixed with real names of the tree: none resolves outside the root or to a hidden
 * file, none throws. A fixed seed, so that a failure names a path that fails again.
 */
class FileRootPropertyTest {

    private static final int PATHS = 20_000;
    private static final List<String> PIECES = List.of(
            "..", ".", "%2e%2e", "%2E%2E", "%2e", ".%2e", "%2e.", "%252e%252e", "%25", "%2f", "%2F", "%5c", "%5C", "\\",
            "%00", "%0a", "%c0%ae", "%c0%af", "%e0%80%ae", "%c1%9c", "%ef%bc%8f", "%ef%bc%8e", "%u002e", "%", "%%32%65",
            "/", "//", ";", "?", "#", ":", "~", "..;", "....", "..%00", "%2e%2e%2f", "..%2f", "..%5c",
            "a.txt", "sub", "deeper", "c.txt", "b.txt", "up", "upup", "link-in", "link-in-relative", "link-out",
            "link-out-relative", "link-dir-out", "link-hidden", "secret", "outside", ".hidden", ".git", "config",
            "pipe", "dangling", "shared", "index.html", "caf%C3%A9", "%41");

    @TempDir
    static Path base;
    static FileTree tree;

    @BeforeAll
    static void tree() throws IOException {
        tree = FileTree.create(base);
    }

    @Test
    void noGeneratedPathResolvesOutsideTheRoot() throws IOException {
        FileRoot root = new FileRoot(tree.root, false, false);
        int found = 0;
        for (String raw : paths(new Random(20261207))) {
            FileRoot.Resolution resolution = resolve(root, raw);
            if (resolution instanceof FileRoot.Found f) {
                found++;
                assertTrue(f.path().startsWith(tree.root), raw + " resolved outside the root: " + f.path());
                for (Path name : tree.root.relativize(f.path())) {
                    assertTrue(!name.toString().startsWith("."), raw + " resolved to a hidden file: " + f.path());
                }
            }
        }
        // The generator must reach real files too, or it proves nothing about the ones it refused.
        assertTrue(found > 100, "only " + found + " of " + PATHS + " paths found a file");
    }

    @Test
    void followingLinksLeadsNowhereButWhereTheLinksPoint() throws IOException {
        FileRoot root = new FileRoot(tree.root, true, false);
        for (String raw : paths(new Random(7681))) {
            if (resolve(root, raw) instanceof FileRoot.Found f) {
                if (!f.path().startsWith(tree.root)) {
                    assertTrue(raw.contains("link-out") || raw.contains("link-dir-out") || raw.contains("upup"),
                            raw + " left the root without a link that leads out: " + f.path());
                }
            }
        }
    }

    @Test
    void theGeneratorMakesTheKnownEscapes() {
        List<String> paths = paths(new Random(20261207));
        assertEquals(PATHS, paths.size());
        assertTrue(paths.stream().anyMatch(p -> p.contains("link-out")) && paths.stream().anyMatch(p -> p.contains("%c0%ae")));
    }

    private static FileRoot.Resolution resolve(FileRoot root, String raw) {
        try {
            return root.resolve(raw);
        } catch (RuntimeException e) {
            return fail(raw + " threw " + e, e);
        }
    }

    /** Paths of one to six pieces, each piece followed by a slash or glued to the next. */
    private static List<String> paths(Random random) {
        return java.util.stream.Stream.generate(() -> {
            StringBuilder path = new StringBuilder();
            int pieces = 1 + random.nextInt(6);
            for (int i = 0; i < pieces; i++) {
                path.append(PIECES.get(random.nextInt(PIECES.size())));
                if (i + 1 < pieces && random.nextInt(4) != 0) {
                    path.append('/');
                }
            }
            return path.toString();
        }).limit(PATHS).toList();
    }
}
