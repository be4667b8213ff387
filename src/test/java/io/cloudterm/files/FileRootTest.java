package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileRootTest {

    @TempDir
    static Path base;
    static FileTree tree;

    @BeforeAll
    static void tree() throws IOException {
        tree = FileTree.create(base);
    }

    @Test
    void aFileInsideIsFoundByItsRealPath() throws IOException {
        FileRoot root = new FileRoot(tree.root, false, false);
        assertEquals(tree.root.resolve("sub/b.txt"), found(root, "sub/b.txt").path());
        assertEquals(tree.root.resolve("sub/b.txt"), found(root, "link-in").path());
        assertEquals(tree.root.resolve("sub/b.txt"), found(root, "link-in-relative").path());
        assertEquals(tree.root, found(root, "").path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"link-out", "link-out-relative", "link-dir-out/secret", "link-dir-out/", "sub/upup/outside/secret",
            "sub/up/..%2Foutside", ".hidden", "link-hidden", ".git/config", "pipe", "dangling", "a.txt/", "missing"})
    void whatLeadsOutIsHiddenOrIsNoFileIsNotFound(String raw) throws IOException {
        FileRoot.Refused refused = assertInstanceOf(FileRoot.Refused.class, new FileRoot(tree.root, false, false).resolve(raw), raw);
        assertEquals(404, refused.status(), refused.why());
    }

    @Test
    void aLinkBackIntoTheRootStaysInside() throws IOException {
        FileRoot root = new FileRoot(tree.root, false, false);
        assertEquals(tree.root.resolve("a.txt"), found(root, "sub/up/a.txt").path());
    }

    @Test
    void followingLinksLeadsOutOnlyThroughLinks() throws IOException {
        FileRoot root = new FileRoot(tree.root, true, false);
        assertEquals(tree.outside.resolve("secret"), found(root, "link-out").path());
        assertEquals(tree.outside.resolve("secret"), found(root, "link-dir-out/secret").path());
        assertInstanceOf(FileRoot.Refused.class, root.resolve("..%2Foutside%2Fsecret"));
        assertInstanceOf(FileRoot.Refused.class, root.resolve("link-hidden"), "a link to a hidden file of the root shows it no more");
    }

    @Test
    void brokenEncodingsAreBadRequests() throws IOException {
        assertEquals(400, assertInstanceOf(FileRoot.Refused.class, new FileRoot(tree.root, false, false).resolve("%c0%ae%c0%ae")).status());
    }

    @Test
    void hiddenFilesWhenAllowed() throws IOException {
        FileRoot root = new FileRoot(tree.root, false, true);
        assertEquals(tree.root.resolve(".git/config"), found(root, ".git/config").path());
    }

    @Test
    void aRootThatIsNoDirectoryIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new FileRoot(tree.root.resolve("a.txt"), false, false));
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new FileRoot(base.resolve("no-such-directory"), false, false));
        org.junit.jupiter.api.Assertions.assertTrue(Files.exists(tree.root.resolve("a.txt")));
    }

    private static FileRoot.Found found(FileRoot root, String raw) {
        return assertInstanceOf(FileRoot.Found.class, root.resolve(raw), raw);
    }
}
