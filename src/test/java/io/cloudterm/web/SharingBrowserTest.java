package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;

/**
 * Share links and the login form in a real Chromium: the owner makes a view link on the terminals
 * page; a browser with none of the owner's cookies opens it without logging in, watches the shell
 * live under a "Read-only — shared by alice" banner, and nothing it types reaches the program.
 */
class SharingBrowserTest {

    @RegisterExtension
    static final ChromiumForClass BROWSER = new ChromiumForClass();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LINK = Pattern.compile("(http://\\S+#share=[A-Za-z0-9_-]+)");

    private TerminalPage page;

    @TempDir
    Path dir;
    private TestServer server;

    @BeforeEach
    void freshPage() {
        page = new TerminalPage(driver());
        driver().manage().deleteAllCookies();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aVisitorWatchesThroughAViewLinkWithoutLoggingInAndTheirTypingReachesNothing() throws Exception {
        server = TestServer.start("--users", users().toString(), "--keep-alive", "60", "--", "bash", "--norc", "--noprofile");
        logIn("alice", "a");
        page.awaitOpen();
        Path file = dir.resolve("typed");
        // "ready" comes once bash has given the terminal back its echo, for cat: what is typed next shows.
        page.type("echo rea''dy; cat > " + file + Keys.ENTER);
        page.awaitLine("ready");
        page.type("from-owner" + Keys.ENTER);
        page.awaitLine("from-owner");
        String handle = (String) page.run("return new URL(location.href).searchParams.get('t')");
        String alice = "cloudterm_session=" + driver().manage().getCookieNamed("cloudterm_session").getValue();

        // The owner makes a view link on the terminals page (for anyone: the box stays unticked).
        driver().get(server.url("terminals.html").toString());
        page.await("the terminal listed", () -> !driver().findElements(By.cssSelector("li[data-terminal='" + handle + "'] button")).isEmpty());
        driver().findElements(By.cssSelector("li[data-terminal='" + handle + "'] button")).stream()
                .filter(b -> b.getText().equals("View link")).findFirst().orElseThrow().click();
        page.await("the link", () -> LINK.matcher(driver().findElement(By.id("message")).getText()).find());
        Matcher link = LINK.matcher(driver().findElement(By.id("message")).getText());
        assertTrue(link.find());

        // Someone else: no cookie of alice's, a window of its own.
        driver().manage().deleteAllCookies();
        String owners = driver().getWindowHandle();
        driver().switchTo().newWindow(WindowType.WINDOW);
        try {
            driver().get(link.group(1));
            page.awaitOpen();
            page.await("the banner", () -> "Read-only — shared by alice".equals(driver().findElement(By.id("viewer-banner")).getText()));
            assertFalse(driver().getCurrentUrl().contains("share="), "the token leaves the address bar: " + driver().getCurrentUrl());
            page.awaitLine("from-owner");

            try (TtyClient owner = TtyClient.connect(java.net.URI.create(server.ws() + "?t=" + handle), Map.of("Cookie", alice))
                    .handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24)) {
                owner.input("live-line\r");
                page.awaitLine("live-line"); // live, not only the history

                page.type("from-visitor" + Keys.ENTER);
                page.screenshot("sharing-visitor");
                owner.input("last-line\r");
                page.awaitLine("last-line");
                owner.input("\u0004");
                await().atMost(WAIT).until(() -> Files.readString(file).equals("from-owner\nlive-line\nlast-line\n"));
            }
            assertFalse(page.screen().contains("from-visitor"), "the visitor's keys were not echoed: they reached nothing");
            assertEquals(Boolean.TRUE, page.run("return cloudterm.term.options.disableStdin"));
            assertEquals("hidden", page.run("const c = document.querySelector('.xterm-cursor');"
                    + " return c ? getComputedStyle(c).visibility : 'hidden'"), "no cursor for a viewer");
            assertEquals(Boolean.TRUE, page.run("return document.querySelector('#menu-items a[href=\"terminals.html\"]').hidden"),
                    "no way to the terminals page in the menu");

            // The link gave the visitor this terminal and nothing else: not the terminals page's data, not a shell.
            assertEquals(401L, fetchStatus("api/terminals"));
            assertEquals(401L, fetchStatus("token"));
            driver().get(server.url("").toString());
            page.await("the login form", () -> driver().getCurrentUrl().contains("/login"));
            assertEquals(1, server.server().terminals().size(), "no shell was started for the visitor");
        } finally {
            driver().close();
            driver().switchTo().window(owners);
        }
    }

    @Test
    void aLinkForSignedInUsersTakesAVisitorToTheLoginFormAndBackToWatch() throws Exception {
        server = TestServer.start("--users", users().toString(), "--keep-alive", "60", "--", "bash", "--norc", "--noprofile");
        String alice = server.login("alice", "a");
        try (TtyClient owner = TtyClient.connect(server.ws(), Map.of("Cookie", alice))
                .handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24)) {
            String handle = Shell.terminalInfo(owner)[0];
            var made = server.post("api/terminals/" + handle + "/shares", "access=view&signedInOnly=true", Map.of("Cookie", alice));
            assertEquals(201, made.statusCode(), made.body());
            String link = jakarta.json.Json.createReader(new java.io.StringReader(made.body())).readObject().getString("link");

            driver().get(server.url("").resolve(link).toString());
            page.await("the login form", () -> driver().getCurrentUrl().contains("/login"));
            driver().findElement(By.id("user")).sendKeys("bob");
            driver().findElement(By.id("password")).sendKeys("b" + Keys.ENTER);
            page.awaitOpen();
            page.await("the banner", () -> "Read-only — shared by alice".equals(driver().findElement(By.id("viewer-banner")).getText()));
            owner.input("echo fr''om-alice\r");
            page.awaitLine("from-alice");
            page.screenshot("sharing-signed-in-viewer");

            // The owner stops sharing: the page says so in words, with nothing to press, and the code below.
            String id = jakarta.json.Json.createReader(new java.io.StringReader(made.body())).readObject().getString("id");
            assertEquals(204, server.delete("api/terminals/" + handle + "/shares/" + id, Map.of("Cookie", alice)).statusCode());
            page.await("the overlay", () -> driver().findElement(By.id("overlay")).isDisplayed());
            assertEquals("The shared terminal has ended", driver().findElement(By.id("overlay-title")).getText());
            assertFalse(driver().findElement(By.id("overlay-action")).isDisplayed(), "no terminal of bob's to go back to");
            assertEquals("close code 4005: the share link was revoked", driver().findElement(By.id("overlay-code")).getText());
        }
    }

    @Test
    void theLoginFormKeepsTheNameAfterAWrongPasswordAndSaysHowLongToWait() throws Exception {
        server = TestServer.start("--users", users().toString(), "--", "bash", "--norc", "--noprofile");
        logIn("alice", "wrong");
        page.await("the notice", () -> driver().findElement(By.cssSelector(".message")).getText().contains("Wrong"));
        assertEquals("alice", driver().findElement(By.id("user")).getDomProperty("value"), "the name is kept");
        // The rest of the name's burst, from the same address; then the form says how long to wait.
        for (int i = 0; i < 4; i++) {
            assertEquals(401, server.post("login", "user=alice&password=wrong&next=", Map.of()).statusCode());
        }
        driver().findElement(By.id("password")).sendKeys("wrong" + Keys.ENTER);
        page.await("the throttle's notice", () -> driver().findElement(By.cssSelector(".message")).getText().contains("Too many"));
        String notice = driver().findElement(By.cssSelector(".message")).getText();
        assertTrue(notice.matches("Too many attempts — try again in \\d+ s\\.?"), notice);
        assertEquals("alice", driver().findElement(By.id("user")).getDomProperty("value"));
        page.screenshot("login-throttled");
    }

    private long fetchStatus(String path) {
        Object status = ((org.openqa.selenium.JavascriptExecutor) driver()).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " fetch(arguments[0], {cache: 'no-store'}).then(r => done(r.status), () => done(-1));", path);
        return ((Number) status).longValue();
    }

    private void logIn(String user, String password) {
        driver().get(server.url("login").toString());
        driver().findElement(By.id("user")).clear();
        driver().findElement(By.id("user")).sendKeys(user);
        driver().findElement(By.id("password")).sendKeys(password + Keys.ENTER);
    }

    private Path users() throws java.io.IOException {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        return users;
    }

    private static ChromeDriver driver() {
        return BROWSER.driver();
    }
}
