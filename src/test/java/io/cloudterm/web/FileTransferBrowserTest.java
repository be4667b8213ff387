package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Files in and out of the terminal page in a real Chromium: a file dropped on the page lands in
 * the shell's directory with its bytes, a program's offer becomes a download only after the person
 * says Save, and in all of it the page types nothing into the program (each test ends by reading
 * what {@code cat} received while it ran).
 */
class FileTransferBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String[] SHELL = {"--", "bash", "--norc", "--noprofile"};

    private static Chromium chromium;
    private static Path downloads;

    @TempDir
    Path dir;

    private TestServer server;
    private TerminalPage page;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = Chromium.start();
        downloads = Files.createTempDirectory("cloudterm-downloads-");
        // Where Chromium saves downloads, without asking (a person's Chromium shows its own prompt or bar).
        chromium.driver().executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        try (Stream<Path> files = Files.list(downloads)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(downloads);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** A fresh page on a fresh server, its shell moved into {@code work}. */
    private Path openIn(String... options) throws Exception {
        String[] args = Stream.concat(Stream.of(options), Stream.of(SHELL)).toArray(String[]::new);
        server = TestServer.start(args);
        page = new TerminalPage(chromium.driver());
        chromium.driver().get(server.server().loginUrl().toString());
        page.awaitOpen();
        Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        page.type("cd '" + work + "' && echo in-work" + Keys.ENTER);
        page.awaitLine("in-work");
        return work;
    }

    private void awaitUploadsAllowed() {
        page.await("the menu's upload item", () -> Boolean.TRUE.equals(page.run("return !document.getElementById('upload-files').hidden")));
    }

    private WebElement prompt() {
        return chromium.driver().findElement(By.id("transfer-prompt"));
    }

    private boolean promptShown() {
        return Boolean.TRUE.equals(page.run("const p = document.getElementById('transfer-prompt'); return !!p && !p.hidden"));
    }

    /** Ends the {@code cat > typed.txt} the test started and returns what it received. */
    private String whatCatReceived(Path work) throws Exception {
        page.type("typed by the person" + Keys.ENTER);
        page.type(Keys.chord(Keys.CONTROL, "d"));
        page.type("echo cat-done" + Keys.ENTER);
        page.awaitLine("cat-done");
        return Files.readString(work.resolve("typed.txt"));
    }

    @Test
    void aFileDroppedOnThePageLandsInTheShellsDirectoryWithItsBytes() throws Exception {
        Path work = openIn();
        awaitUploadsAllowed();
        page.type("cat > typed.txt" + Keys.ENTER);
        // cat is now the foreground program, in the same directory: the upload goes where it is.
        await().atMost(WAIT).until(() -> server.onlyTerminal().foreground().map(f -> f.program()).orElse(""), "cat"::equals);
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        assertTrue(page.drop("dropped file.bin", bytes));

        page.await("the upload to finish", WAIT, () -> page.uploadState("dropped file.bin").equals("done|" + bytes.length + "/" + bytes.length));
        assertEquals("uploaded", chromium.driver().findElement(By.cssSelector(".transfer-item[data-state=done] .transfer-status")).getText());
        page.screenshot("file-transfer-upload-done");
        assertArrayEquals(bytes, Files.readAllBytes(work.resolve("dropped file.bin")));
        assertEquals("typed by the person\n", whatCatReceived(work), "the page typed nothing into the program");
    }

    @Test
    void whileFilesAreDraggedOverThePageItNamesWhereTheyWillLand() throws Exception {
        Path work = openIn();
        awaitUploadsAllowed();
        String drag = """
                const transfer = new DataTransfer();
                transfer.items.add(new File(['x'], 'x.txt'));
                document.getElementById('terminal').dispatchEvent(
                    new DragEvent(arguments[0], { dataTransfer: transfer, bubbles: true, cancelable: true }));""";
        page.run(drag, "dragenter");
        WebElement zone = chromium.driver().findElement(By.id("transfer-drop"));
        page.await("the drop zone naming the directory", () -> zone.isDisplayed() && zone.getText().equals("Drop to upload into " + work));
        page.screenshot("file-transfer-drop-zone");
        page.run(drag, "dragleave");
        page.await("the drop zone gone", () -> !zone.isDisplayed());
    }

    @Test
    void filesChosenThroughTheMenuLandInTheShellsDirectory() throws Exception {
        Path work = openIn();
        awaitUploadsAllowed();
        Path chosen = Files.writeString(dir.resolve("chosen.txt"), "picked from the menu\n");
        chromium.driver().findElement(By.id("menu-button")).click();
        WebElement item = chromium.driver().findElement(By.id("upload-files"));
        assertTrue(item.isDisplayed(), "the menu offers uploads to the owner");
        assertEquals("Upload files…", item.getText());
        // The file chooser itself is the browser's; WebDriver fills the input behind it.
        chromium.driver().findElement(By.id("upload-picker")).sendKeys(chosen.toString());
        page.await("the chosen file uploaded", () -> page.uploadState("chosen.txt").startsWith("done|"));
        assertEquals("picked from the menu\n", Files.readString(work.resolve("chosen.txt")));
        page.screenshot("file-transfer-menu-upload");
    }

    @Test
    void aTakenNameIsReplacedOnlyAfterThePersonSaysSo() throws Exception {
        Path work = openIn();
        awaitUploadsAllowed();
        Files.writeString(work.resolve("notes.txt"), "kept\n");
        page.drop("notes.txt", "first drop\n".getBytes(StandardCharsets.UTF_8));
        page.await("the replace question", this::promptShown);
        assertTrue(prompt().getText().contains("Replace notes.txt?"), prompt().getText());
        page.screenshot("file-transfer-replace-prompt");
        prompt().findElement(By.cssSelector("button[data-choice=skip]")).click();
        page.await("the upload skipped", () -> page.uploadState("notes.txt").startsWith("skipped|"));
        assertEquals("kept\n", Files.readString(work.resolve("notes.txt")));

        page.drop("notes.txt", "second drop\n".getBytes(StandardCharsets.UTF_8));
        page.await("the replace question again", this::promptShown);
        prompt().findElement(By.cssSelector("button[data-choice=replace]")).click();
        page.await("the replacing upload", () -> Files.exists(work.resolve("notes.txt"))
                && "second drop\n".equals(readQuietly(work.resolve("notes.txt"))));
    }

    @Test
    void questionsComeOneAtATime() throws Exception {
        Path work = openIn();
        awaitUploadsAllowed();
        Files.writeString(work.resolve("taken.txt"), "kept\n");
        Files.writeString(work.resolve("offered.txt"), "offered\n");
        page.drop("taken.txt", "dropped\n".getBytes(StandardCharsets.UTF_8));
        page.await("the replace question", this::promptShown);
        page.type("cloudterm-download offered.txt && echo offered-now" + Keys.ENTER);
        page.awaitLine("offered-now");
        assertTrue(prompt().getText().startsWith("Replace taken.txt?"), "the first question stays: " + prompt().getText());
        prompt().findElement(By.cssSelector("button[data-choice=skip]")).click();
        page.await("the offer's question, next", () -> promptShown() && prompt().getText().startsWith("Save offered.txt"));
        prompt().findElement(By.cssSelector("button[data-choice=dismiss]")).click();
        page.await("no question left", () -> !promptShown());
        assertEquals("kept\n", Files.readString(work.resolve("taken.txt")));
        assertFalse(Files.exists(downloads.resolve("offered.txt")), "dismissed: nothing saved");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void cloudtermDownloadAsksFirstThenTheBrowserSavesTheFile() throws Exception {
        Path work = openIn();
        awaitUploadsAllowed();
        byte[] bytes = new byte[2_300_000];
        new Random(8).nextBytes(bytes);
        Files.write(work.resolve("report.pdf"), bytes);
        page.type("cloudterm-download report.pdf; cat > typed.txt" + Keys.ENTER);

        page.await("the save question", this::promptShown);
        assertTrue(prompt().getText().startsWith("Save report.pdf (2.3 MB) from this terminal?"), prompt().getText());
        assertTrue(prompt().getText().contains(work.resolve("report.pdf").toString()), prompt().getText());
        assertFalse(Files.exists(downloads.resolve("report.pdf")), "nothing is saved before the person says so");
        page.screenshot("file-transfer-save-prompt");
        prompt().findElement(By.cssSelector("button[data-choice=save]")).click();

        Path saved = downloads.resolve("report.pdf");
        await().atMost(WAIT).until(() -> Files.exists(saved) && Files.size(saved) == bytes.length);
        assertArrayEquals(bytes, Files.readAllBytes(saved));
        assertEquals("typed by the person\n", whatCatReceived(work), "the page typed nothing into the program");
    }

    @Test
    void withTransferOffTheMenuHasNoUploadAndOffersAreIgnoredUnseen() throws Exception {
        Path work = openIn("--no-transfer");
        Files.writeString(work.resolve("secret.txt"), "s");
        String hex = java.util.HexFormat.of().formatHex(work.resolve("secret.txt").toString().getBytes(StandardCharsets.UTF_8));
        page.type("printf 'before\\033]7681;download;" + hex + "\\007after\\n'" + Keys.ENTER);
        page.awaitLine("beforeafter");
        assertFalse(promptShown(), "no question for an offer while transfer is off");
        assertEquals(Boolean.TRUE, page.run("return document.getElementById('upload-files').hidden"));
        assertTrue(page.drop("dropped.txt", new byte[3]), "the page keeps the drop: the browser does not open the file instead");
        page.type("echo dropped-$(ls -A | wc -l)" + Keys.ENTER);
        page.awaitLine("dropped-1");
        assertFalse(Files.exists(work.resolve("dropped.txt")));
        // Checked again a few round trips later: an offer acted on would have asked the server by now.
        assertFalse(promptShown(), "no question for an offer while transfer is off");
    }
}
