package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The terminal page's key bar on a phone, its resume offer and terminal-limit list, its menu by
 * keyboard, and the terminals page, in a real Chromium against a real server and real shells:
 * each checks what the person sees and what reaches the program.
 */
class TerminalsPageBrowserTest {

    @RegisterExtension
    static final ChromiumForClass BROWSER = new ChromiumForClass();

    private static final String[] BASH = {"--", "bash", "--norc", "--noprofile"};
    private static final String ESC = "\u001b";

    private TerminalPage page;
    private TestServer server;

    /** A fresh tab per test: no emulation, no page state, no cookies left by the one before. */
    @BeforeEach
    void freshTab() {
        onlyANewTab();
        driver().executeCdpCommand("Network.clearBrowserCookies", Map.of());
        page = new TerminalPage(driver());
    }

    /** Opens a new tab and closes every other, as a person closing tabs does. */
    private static void onlyANewTab() {
        driver().switchTo().newWindow(WindowType.TAB);
        String fresh = driver().getWindowHandle();
        for (String handle : driver().getWindowHandles()) {
            if (!handle.equals(fresh)) {
                driver().switchTo().window(handle).close();
            }
        }
        driver().switchTo().window(fresh);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- the key bar ------------------------------------------------------------------------

    @Test
    void onAPhoneTheKeyBarSendsTheKeysItsKeyboardLacks(@TempDir Path dir) throws Exception {
        server = TestServer.start("--no-auth", "--keep-alive", "60", BASH[0], BASH[1], BASH[2], BASH[3]);
        phone();
        driver().get(server.server().url().toString());
        page.awaitOpen();
        page.await("the key bar", () -> (Boolean) page.run("return !document.getElementById('keybar').hidden"));
        Path received = dir.resolve("received");
        // Raw mode: every byte reaches head as it was sent; none is a signal or edited by the line discipline.
        page.type("stty raw -echo; head -c 12 > " + received + "; stty sane; echo got-$((40+2))\n");
        awaitForeground("head");

        tap("Escape");
        tap("Control");
        assertEquals("true", pressed("Control"), "Ctrl stays pressed until a key takes it");
        assertTerminalKeepsTheFocus(); // (typing below, as WebDriver does, would focus it again)
        page.type("c"); // on the soft keyboard
        assertEquals("false", pressed("Control"), "the key took Ctrl");
        boolean application = (Boolean) page.run("return cloudterm.term.modes.applicationCursorKeysMode");
        tap("Left");
        tap("Up");
        tap("Vertical bar");
        tap("Alt");
        assertTerminalKeepsTheFocus();
        page.type("x");
        page.type("Z"); // no modifier left
        page.awaitLine("got-42");

        String arrows = application ? ESC + "OD" + ESC + "OA" : ESC + "[D" + ESC + "[A";
        assertArrayEquals((ESC + "\u0003" + arrows + "|" + ESC + "xZ").getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(received),
                "Esc, Ctrl+c, ←, ↑, |, Alt+x, Z as the program read them");
        page.screenshot("keybar-phone");

        // TERMINAL_INFO names a read-only viewer with "role": the bar has nothing to send for one.
        page.run("document.dispatchEvent(new CustomEvent('cloudterm:info', {detail: {terminal: 'x', role: 'viewer'}}))");
        assertTrue((Boolean) page.run("return document.getElementById('keybar').hidden"), "no keys for a viewer");
        page.run("document.dispatchEvent(new CustomEvent('cloudterm:info', {detail: {terminal: 'x'}}))");
        assertFalse((Boolean) page.run("return document.getElementById('keybar').hidden"), "no role is not read-only");
    }

    // ---- the menu ---------------------------------------------------------------------------

    @Test
    void theMenuIsVisibleAtRestAndWorksByKeyboard() {
        server = TestServer.start("--no-auth", BASH[0], BASH[1], BASH[2], BASH[3]);
        driver().get(server.server().url().toString());
        page.awaitOpen();
        assertTrue((Boolean) page.run("return document.getElementById('keybar').hidden"), "no key bar with a mouse");
        double opacity = Double.parseDouble(String.valueOf(page.run("return getComputedStyle(document.getElementById('menu')).opacity")));
        assertTrue(opacity >= 0.6, "the menu shows at rest: opacity " + opacity);

        // From the top of the page (xterm.js keeps Tab for the shell while the terminal has the focus).
        page.run("document.body.tabIndex = -1; document.body.focus()");
        keys(Keys.TAB);
        assertEquals("menu-button", focused("id"), "Tab reaches the menu first: " + focused("outerHTML"));
        assertNotEquals("none", page.run("return getComputedStyle(document.activeElement).outlineStyle"), "focus is shown");
        keys(Keys.ENTER);
        assertEquals("Your terminals", focused("textContent"), "Enter opens the menu on its first item");
        keys(Keys.ARROW_DOWN);
        assertEquals("Upload files…", focused("textContent"));
        keys(Keys.ARROW_DOWN);
        assertEquals("Log out", focused("textContent"));
        assertNotEquals("none", page.run("return getComputedStyle(document.activeElement).outlineStyle"), "focus is shown");
        keys(Keys.ARROW_DOWN);
        assertEquals("Your terminals", focused("textContent"), "arrows wrap around");
        keys(Keys.ARROW_UP);
        assertEquals("Log out", focused("textContent"));
        page.screenshot("menu-keyboard");
        keys(Keys.ESCAPE);
        assertTrue((Boolean) page.run("return document.getElementById('menu-items').hidden"), "Esc closes it");
        assertTrue((Boolean) page.run("return document.activeElement.classList.contains('xterm-helper-textarea')"),
                "back to typing in the terminal");
        page.type("echo typed-$((3*3))\n");
        page.awaitLine("typed-9");
    }

    // ---- the terminals page -----------------------------------------------------------------

    @Test
    void theTerminalsPageTellsTerminalsApartAndAsksBeforeEnding() {
        server = TestServer.start("--no-auth", "--keep-alive", "60", BASH[0], BASH[1], BASH[2], BASH[3]);
        driver().get(server.server().url().toString());
        page.awaitOpen();
        page.type("cd ~ && printf '\\033[1;32mglance-%s\\033[0m\\n' $((6*7))\n");
        page.awaitLine("glance-42");
        String first = handleInAddress();

        driver().switchTo().newWindow(WindowType.TAB);
        driver().get(server.server().url().toString());
        page.awaitOpen(); // the first is attached in its tab: nothing detached to offer
        page.type("cd /tmp && sleep 600\n");
        String second = handleInAddress();
        awaitForeground("sleep");

        driver().switchTo().newWindow(WindowType.TAB);
        driver().get(server.server().url().resolve("terminals.html").toString());
        page.await("both terminals listed with a glance", () -> text(first, ".glance").contains("glance-42")
                && text(second, ".name").equals("sleep in /tmp"));
        assertEquals("bash in ~", text(first, ".name"), "the program, and its directory under the home as ~");
        assertEquals("#" + first.substring(0, 6), text(first, ".handle"));
        assertTrue(text(first, ".glance").lines().anyMatch("glance-42"::equals), "colours stripped: " + text(first, ".glance"));
        assertFalse(text(first, ".glance").contains("\u001b"), text(first, ".glance"));
        assertTrue(text(first, ".facts").matches("(?s).*started (just now|\\d+ min ago).*"), text(first, ".facts"));
        assertTrue(text(first, ".facts").contains("open in 1 tab"), text(first, ".facts"));
        assertEquals("3 min ago", page.run("return CloudTermNames.ago(new Date(Date.now() - 3 * 60000 - 5000).toISOString())"));
        page.screenshot("terminals-page");

        page.run("window.confirm = () => { window.confirmUsed = true; return true; }");
        entry(second).findElement(By.cssSelector(".actions .end")).click();
        WebElement confirm = entry(second).findElement(By.cssSelector(".confirm"));
        assertTrue(confirm.isDisplayed(), "End asks first");
        assertTrue(confirm.getText().contains("End sleep in /tmp?"), confirm.getText());
        assertEquals("Keep", focused("textContent"), "the safe answer has the focus");
        page.screenshot("terminals-page-confirm");
        assertEquals(2, terminals().size(), "asking ends nothing");
        confirm.findElement(By.xpath(".//button[text()='Keep']")).click();
        assertFalse(confirm.isDisplayed());
        // The page refreshes every few seconds; a question being answered survives it.
        entry(second).findElement(By.cssSelector(".actions .end")).click();
        page.run("document.querySelector(`[data-terminal='${arguments[0]}'] .facts`).firstChild.before = true", second);
        page.await("a refresh", () -> (Boolean) page.run(
                "return document.querySelector(`[data-terminal='${arguments[0]}'] .facts`).firstChild.before !== true", second));
        assertTrue(entry(second).findElement(By.cssSelector(".confirm")).isDisplayed(), "the refresh kept the question");
        entry(second).findElement(By.xpath(".//button[text()='End it']")).click();
        page.await("the ended terminal gone from the page", () -> driver().findElements(By.cssSelector("[data-terminal='" + second + "']")).isEmpty());
        assertEquals(List.of(first), terminals().stream().map(t -> t.asJsonObject().getString("terminal")).toList());
        assertEquals(null, page.run("return window.confirmUsed ?? null"), "no window.confirm");
    }

    @Test
    void withoutASessionTheTerminalsPageGoesToTheLoginFormAndBack(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\n");
        server = TestServer.start("--users", users.toString(), BASH[0], BASH[1], BASH[2], BASH[3]);
        driver().get(server.server().url().resolve("terminals.html").toString());
        page.await("the login form", () -> !driver().findElements(By.id("password")).isEmpty());
        driver().findElement(By.id("user")).sendKeys("alice");
        driver().findElement(By.id("password")).sendKeys("a", Keys.ENTER);
        page.await("back on the terminals page", () -> driver().getCurrentUrl().endsWith("/terminals.html")
                && driver().findElement(By.id("message")).getText().equals("No terminals are running."));
    }

    @Test
    void atPhoneWidthTheTerminalsPageDoesNotScrollSideways(@TempDir Path dir) throws Exception {
        Path deep = Files.createDirectories(dir.resolve("a-directory-with-a-rather-long-name-for-a-phone-screen")
                .resolve("and-another-level-that-is-just-as-long-as-the-first-one")).toRealPath();
        Path program = dir.resolve("a-program-with-a-long-name");
        Files.createSymbolicLink(program, Path.of("/bin/sleep"));
        server = TestServer.start("--no-auth", "--keep-alive", "60", BASH[0], BASH[1], BASH[2], BASH[3]);
        driver().get(server.server().url().toString());
        page.awaitOpen();
        page.type("cd '" + deep + "' && printf 'wide-%0300d\\n' 7 && '" + program + "' 600\n");
        awaitForeground("a-program-with-");

        phone();
        driver().get(server.server().url().resolve("terminals.html").toString());
        page.await("the entry and its glance", () -> (Boolean) page.run(
                "return document.querySelector('.glance')?.textContent.includes('wide-0000') ?? false"));
        assertEquals(390L, page.run("return innerWidth"));
        long scrollWidth = (Long) page.run("return document.scrollingElement.scrollWidth");
        assertTrue(scrollWidth <= 390, "the page is " + scrollWidth + " px wide at 390");
        String name = driver().findElement(By.cssSelector(".terminal .name")).getText();
        assertTrue(name.contains("a-program-with-") && name.contains("and-another-level"), name);
        double fontSize = Double.parseDouble(String.valueOf(page.run(
                "return parseFloat(getComputedStyle(document.querySelector('.terminal .name')).fontSize)")));
        assertTrue(fontSize >= 14, "readable: " + fontSize + " px");
        page.screenshot("terminals-page-390");
    }

    // ---- resume instead of piling up --------------------------------------------------------

    @Test
    void aNewPageOffersTheLastDetachedTerminalAndResumesIt() {
        server = TestServer.start("--no-auth", "--keep-alive", "60", BASH[0], BASH[1], BASH[2], BASH[3]);
        driver().get(server.server().url().toString());
        page.awaitOpen(); // nothing detached: a new terminal at once, no question
        assertTrue(driver().findElements(By.cssSelector(".resume-offer")).isEmpty(), "no offer without a detached terminal");
        page.type("cd /tmp && echo first-$((1+1))\n");
        page.awaitLine("first-2");
        String first = handleInAddress();

        leave(first);
        driver().get(server.server().url().toString());
        page.await("the offer", () -> !driver().findElements(By.cssSelector(".resume-offer")).isEmpty());
        WebElement offer = driver().findElement(By.cssSelector(".resume-offer"));
        assertTrue(offer.getText().startsWith("Resume bash in /tmp, detached just now?"), offer.getText());
        assertEquals(1, terminals().size(), "nothing starts while the page asks");
        page.screenshot("resume-offer");
        offer.findElement(By.xpath(".//button[text()='Resume']")).click();
        page.awaitOpen();
        assertEquals(first, handleInAddress());
        page.awaitLine("first-2");
        page.type("echo again-$((2+2))\n");
        page.awaitLine("again-4");
        assertEquals(1, terminals().size());

        leave(first);
        driver().get(server.server().url().toString());
        page.await("the offer", () -> !driver().findElements(By.cssSelector(".resume-offer")).isEmpty());
        driver().findElement(By.xpath("//div[@class='resume-offer']//button[text()='New terminal']")).click();
        page.awaitOpen();
        assertNotEquals(first, handleInAddress());
        page.type("echo second-$((3+3))\n");
        page.awaitLine("second-6");
        assertEquals(2, terminals().size());
    }

    @Test
    void atTheLimitThePageListsTheDetachedTerminalsAndEndingOneOpensTheNew() {
        server = TestServer.start("--no-auth", "--keep-alive", "60", "--max-terminals-per-user", "2", BASH[0], BASH[1], BASH[2], BASH[3]);
        driver().get(server.server().url().toString());
        page.awaitOpen();
        String first = handleInAddress();
        leave(first);
        driver().get(server.server().url().toString());
        newTerminalInsteadOfTheOffer();
        String second = handleInAddress();
        leave(second);

        driver().get(server.server().url().toString());
        newTerminalInsteadOfTheOffer();
        page.await("the detached terminals listed", () -> driver().findElements(By.cssSelector(".limit-list li")).size() == 2);
        assertEquals(4006L, page.run("return cloudterm.closeCode"));
        assertEquals("You have as many terminals as you may", driver().findElement(By.id("overlay-title")).getText());
        page.screenshot("terminal-limit");
        driver().findElement(By.cssSelector(".limit-list li[data-terminal='" + first + "'] button.end")).click();
        page.awaitOpen();
        String third = handleInAddress();
        assertTrue(!third.equals(first) && !third.equals(second), third);
        page.type("echo third-$((1+2))\n");
        page.awaitLine("third-3");
        assertEquals(List.of(second, third).stream().sorted().toList(),
                terminals().stream().map(t -> t.asJsonObject().getString("terminal")).sorted().toList());
        assertTrue(driver().findElements(By.cssSelector(".limit-list")).isEmpty(), "the list went with the overlay");

        // At the limit again, the list's Resume goes back to the terminal it names.
        leave(third);
        driver().get(server.server().url().toString());
        newTerminalInsteadOfTheOffer();
        page.await("both detached terminals listed", () -> driver().findElements(By.cssSelector(".limit-list li")).size() == 2);
        driver().findElement(By.cssSelector(".limit-list li[data-terminal='" + third + "'] button.primary")).click();
        page.awaitOpen();
        assertEquals(third, handleInAddress());
        page.awaitLine("third-3");
        page.type("echo resumed-$((2*4))\n");
        page.awaitLine("resumed-8");
        assertEquals(2, terminals().size());
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** A 390×844 phone with a touch screen: (pointer: coarse) matches, taps are touch events. */
    private static void phone() {
        driver().executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 3, "mobile", true));
        driver().executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
        driver().executeCdpCommand("Emulation.setEmitTouchEventsForMouse", Map.of("enabled", true, "configuration", "mobile"));
    }

    /** A finger on the key bar's key named {@code name}, as the touch screen reports it. */
    private void tap(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) page.run("""
                const r = document.querySelector(`#keybar button[aria-label="${arguments[0]}"]`).getBoundingClientRect();
                return {x: r.x + r.width / 2, y: r.y + r.height / 2};""", name);
        Map<String, Object> point = Map.of("x", at.get("x"), "y", at.get("y"));
        driver().executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", "touchStart", "touchPoints", List.of(point)));
        driver().executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", "touchEnd", "touchPoints", List.of()));
    }

    private void assertTerminalKeepsTheFocus() {
        assertTrue((Boolean) page.run("return document.activeElement.classList.contains('xterm-helper-textarea')"),
                "the terminal keeps the focus, so the soft keyboard stays up; focus on " + focused("outerHTML"));
    }

    private String pressed(String name) {
        return (String) page.run("return document.querySelector(`#keybar button[aria-label=\"${arguments[0]}\"]`).getAttribute('aria-pressed')", name);
    }

    private void keys(CharSequence key) {
        new Actions(driver()).sendKeys(key).perform();
    }

    private String focused(String property) {
        return String.valueOf(page.run("return document.activeElement[arguments[0]]", property));
    }

    private String handleInAddress() {
        page.await("the terminal's name in the address", () -> driver().getCurrentUrl().contains("?t="));
        return driver().getCurrentUrl().replaceFirst(".*\\?t=", "");
    }

    private WebElement entry(String handle) {
        return driver().findElement(By.cssSelector("[data-terminal='" + handle + "']"));
    }

    private String text(String handle, String css) {
        List<WebElement> found = driver().findElements(By.cssSelector("[data-terminal='" + handle + "'] " + css));
        return found.isEmpty() ? "" : found.getFirst().getText();
    }

    /** Closes the page's tab and waits until the server counts its terminal detached. */
    private void leave(String handle) {
        onlyANewTab();
        try {
            page.await("the terminal detached", () -> terminals().stream().map(t -> t.asJsonObject())
                    .anyMatch(t -> t.getString("terminal").equals(handle) && t.getInt("clients") == 0));
        } catch (AssertionError e) {
            throw new AssertionError(handle + " not detached: " + terminals(), e);
        }
    }

    /** Waits until the terminals API says {@code program} runs in the foreground of one of the terminals. */
    private void awaitForeground(String program) {
        page.await(program + " in the foreground", () -> terminals().stream()
                .anyMatch(t -> program.equals(t.asJsonObject().getString("program", ""))));
    }

    private void newTerminalInsteadOfTheOffer() {
        page.await("the offer", () -> !driver().findElements(By.cssSelector(".resume-offer")).isEmpty());
        driver().findElement(By.xpath("//div[@class='resume-offer']//button[text()='New terminal']")).click();
    }

    private JsonArray terminals() {
        String body = server.get("api/terminals", Map.of()).body();
        JsonObject all = Json.createReader(new StringReader(body)).readObject();
        return all.getJsonArray("terminals");
    }

    private static ChromeDriver driver() {
        return BROWSER.driver();
    }
}
