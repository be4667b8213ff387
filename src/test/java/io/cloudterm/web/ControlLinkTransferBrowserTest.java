package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Files through a shared terminal's page in a real Chromium: someone given control by a control
 * link logs in as themselves and drops a file, which lands in the shell's directory with its bytes
 * while the page types nothing into the program; a signed-in viewer's page, on a touch screen,
 * offers neither uploads nor the key bar. Alice, the owner, is a plain client; the browser is the guest's alone.
 */
class ControlLinkTransferBrowserTest {

    @RegisterExtension
    static final ChromiumForClass BROWSER = new ChromiumForClass();

    private static final Duration WAIT = Duration.ofSeconds(30);


    @TempDir
    Path dir;

    private TestServer server;
    private TerminalPage page;
    private TtyClient owner;
    private String handle;
    private String alice;

    /** A fresh tab per test, as a browser nobody has used here: no cookies, no emulation, no page state. */
    @BeforeEach
    void freshTab() {
        driver().switchTo().newWindow(WindowType.TAB);
        String fresh = driver().getWindowHandle();
        for (String other : driver().getWindowHandles()) {
            if (!other.equals(fresh)) {
                driver().switchTo().window(other).close();
            }
        }
        driver().switchTo().window(fresh);
        driver().executeCdpCommand("Network.clearBrowserCookies", Map.of());
        page = new TerminalPage(driver());
    }

    @AfterEach
    void stopServer() {
        if (owner != null) {
            owner.abort();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Alice's bash in {@code work}, on a server where alice and bob have accounts. */
    private Path alicesShell() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        server = TestServer.start("--users", users.toString(), "--keep-alive", "60", "--", "bash", "--norc", "--noprofile");
        alice = server.login("alice", "a");
        owner = TtyClient.connect(server.ws(), Map.of("Cookie", alice)).handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24);
        handle = Shell.terminalInfo(owner)[0];
        Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        owner.input("cd '" + work + "' && echo in-wo''rk\r");
        owner.awaitOutput("in-work\r\n", WAIT);
        return work;
    }

    /** A share link alice makes with {@code form} (the link, and its token). */
    private JsonObject share(String form) {
        var made = server.post("api/terminals/" + handle + "/shares", form, Map.of("Cookie", alice));
        assertEquals(201, made.statusCode(), made.body());
        return Json.createReader(new StringReader(made.body())).readObject();
    }

    @Test
    void someoneGivenControlDropsAFileThatLandsInTheShellsDirectory() throws Exception {
        Path work = alicesShell();
        JsonObject link = share("access=control");

        logInThrough(link);
        page.await("the menu's upload item", () -> Boolean.TRUE.equals(page.run("return !document.getElementById('upload-files').hidden")));

        // Bob, in control, starts the program that shows what reaches it; the upload goes where it runs.
        page.type("cat > typed.txt" + Keys.ENTER);
        await().atMost(WAIT).until(() -> server.onlyTerminal().foreground().map(f -> f.program()).orElse(""), "cat"::equals);
        byte[] bytes = new byte[1 << 20];
        new Random(11).nextBytes(bytes);
        assertTrue(page.drop("from bob.bin", bytes), "the page keeps the drop from the browser");
        page.await("the upload to finish", WAIT, () -> page.uploadState("from bob.bin").equals("done|" + bytes.length + "/" + bytes.length));
        page.screenshot("control-link-upload-done");
        assertArrayEquals(bytes, Files.readAllBytes(work.resolve("from bob.bin")));

        page.type("typed by bob" + Keys.ENTER);
        page.type(Keys.chord(Keys.CONTROL, "d"));
        page.type("echo cat-done" + Keys.ENTER);
        page.awaitLine("cat-done");
        assertEquals("typed by bob\n", Files.readString(work.resolve("typed.txt")), "the page typed nothing into the program");

        // The share token stays in the tab: not in the address the browser keeps, not in any request it made.
        String token = link.getString("token");
        assertFalse(driver().getCurrentUrl().contains(token), driver().getCurrentUrl());
        @SuppressWarnings("unchecked")
        List<String> requested = (List<String>) page.run("return performance.getEntriesByType('resource').map((e) => e.name)");
        assertTrue(requested.stream().anyMatch(url -> url.contains("/files/")), "the upload is among them: " + requested);
        assertTrue(requested.stream().noneMatch(url -> url.contains(token)), requested.toString());
    }

    @Test
    void aSignedInViewersPageOnATouchScreenOffersNoUploadAndNoKeyBar() throws Exception {
        alicesShell();
        // For signed-in users: bob has a session, with which a page in control would move files.
        JsonObject link = share("access=view&signedInOnly=true");
        phone();

        logInThrough(link);
        page.await("the banner", () -> "Read-only — shared by alice".equals(driver().findElement(By.id("viewer-banner")).getText()));
        // A few round trips after the greeting: a page that had asked for files would have its answer by now.
        owner.input("echo live-li''ne\r");
        page.awaitLine("live-line");

        assertEquals(Boolean.TRUE, page.run("return matchMedia('(pointer: coarse)').matches"), "a touch screen, where the bar would show");
        assertEquals(Boolean.TRUE, page.run("return document.getElementById('keybar').hidden"), "no keys for a viewer to send");
        assertEquals(Boolean.TRUE, page.run("return document.getElementById('upload-files').hidden"), "no uploads for a viewer");
        assertEquals(Boolean.FALSE, page.run("return performance.getEntriesByType('resource').some((e) => e.name.includes('/files'))"),
                "a viewer's page does not even ask");
        page.screenshot("viewer-phone");
    }

    /** Bob opens {@code link}, logs in on the form it takes him to, and is back on the shared terminal. */
    private void logInThrough(JsonObject link) {
        driver().get(server.url("").resolve(link.getString("link")).toString());
        page.await("the login form", () -> driver().getCurrentUrl().contains("/login"));
        driver().findElement(By.id("user")).sendKeys("bob");
        driver().findElement(By.id("password")).sendKeys("b" + Keys.ENTER);
        page.awaitOpen();
    }

    /** A 390×844 phone with a touch screen, in this tab: (pointer: coarse) matches. */
    private static void phone() {
        driver().executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 3, "mobile", true));
        driver().executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
    }

    private static ChromeDriver driver() {
        return BROWSER.driver();
    }
}
