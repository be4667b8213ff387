package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The terminal page's addons and display comforts in a real Chromium against a real shell:
 * images, search, the OSC 52 clipboard, the WebGL renderer and its fallback, font size, light and
 * dark themes, the bell. Each test also checks what reached the program: the page must never
 * type into the shell by itself.
 */
class PageAddonsBrowserTest {

    @RegisterExtension
    static final ChromiumForClass BROWSER = new ChromiumForClass();

    private static final String[] SHELL = {"--no-auth", "--", "bash", "--norc", "--noprofile"};
    private static final Pattern SIZE_LINE = Pattern.compile("^rows=(\\d+) cols=(\\d+)$");


    private TestServer server;
    private TerminalPage page;
    @TempDir
    Path directory;

    @AfterEach
    void leaveThePage() {
        try {
            driver().get("about:blank");
            new TerminalPage(driver()).cdp("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    // ---- images ----------------------------------------------------------------------------------

    @Test
    void aSixelImageFromImg2sixelIsDrawnAndNothingIsTypedIntoTheShell() throws IOException {
        Path picture = directory.resolve("picture.png");
        Files.write(picture, TestPicture.png());
        open(SHELL);
        awaitAddons();

        type("img2sixel " + picture + "; cat > " + directory.resolve("after.txt") + Keys.ENTER);
        page.await("an image in the image addon's layer", () -> Boolean.TRUE.equals(page.run(TestPicture.RED_SQUARE_DRAWN)));
        page.screenshot("addons-sixel-image");

        type("typed after the image" + Keys.ENTER);
        type(Keys.chord(Keys.CONTROL, "d"));
        assertEquals("typed after the image\n", page.awaitFile(directory.resolve("after.txt"), "typed after the image\n"),
                "what reached cat after img2sixel: only what was typed");
        assertTrue(page.screen().stream().noneMatch(line -> line.contains("[?") || line.contains("\u001b")),
                "no answer to a query shows as text: " + page.screen());
    }

    // ---- search ----------------------------------------------------------------------------------

    @Test
    void ctrlShiftFSearchesHighlightsAndCountsAndTheBoxKeepsItsKeys() {
        open(SHELL);
        awaitAddons();
        // "apple" cut in two on the command line, so that only the output holds it: three times.
        type("printf '%s%s\\n' app le ban ana app le crabap ple; cat > " + directory.resolve("typed.txt") + Keys.ENTER);
        page.awaitLine("crabapple");

        type(Keys.chord(Keys.CONTROL, Keys.SHIFT, "f"));
        WebElement box = driver().findElement(By.cssSelector("#search input"));
        page.await("the search box has the focus", () -> box.equals(driver().switchTo().activeElement()));
        box.sendKeys("apple");
        page.await("'n of 3' in the box", () -> count().matches("[123] of 3"));
        int first = position();
        assertTrue(highlights() >= 3, "every match highlighted: " + highlights());

        box.sendKeys(Keys.ENTER);
        page.await("the next match", () -> position() == first % 3 + 1);
        box.sendKeys(Keys.ENTER);
        page.await("the next match again", () -> position() == (first + 1) % 3 + 1);
        box.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        page.await("the previous match", () -> position() == first % 3 + 1);
        page.screenshot("addons-search");

        box.sendKeys(Keys.ESCAPE);
        page.await("the box closed", () -> !driver().findElement(By.id("search")).isDisplayed());
        assertEquals("xterm-helper-textarea", driver().switchTo().activeElement().getAttribute("class"),
                "Esc gives the keys back to the terminal");
        page.await("the highlights gone", () -> highlights() == 0);

        // Straight on, without clicking: the keys go to the program again.
        new org.openqa.selenium.interactions.Actions(driver()).sendKeys("after search" + Keys.ENTER).perform();
        type(Keys.chord(Keys.CONTROL, "d"));
        assertEquals("after search\n", page.awaitFile(directory.resolve("typed.txt"), "after search\n"),
                "nothing typed into the search box (apple, Enter, Shift+Enter, Esc) reached the program");
    }

    private String count() {
        return driver().findElement(By.cssSelector("#search .search-count")).getText();
    }

    private int position() {
        Matcher m = Pattern.compile("(\\d+) of 3").matcher(count());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private long highlights() {
        return ((Number) page.run("return document.querySelectorAll('.xterm-decoration').length")).longValue();
    }

    // ---- clipboard -------------------------------------------------------------------------------

    @Test
    void aProgramPutsTextOnTheClipboardButCannotReadItByDefault() {
        open(SHELL);
        grantClipboard();
        awaitAddons();
        page.run("return navigator.clipboard.writeText('before')");

        type("printf '\\033]52;c;%s\\a' $(printf 'hello from osc 52' | base64)" + Keys.ENTER);
        page.await("the program's text on the clipboard", () -> "hello from osc 52".equals(clipboard()));

        // The program asks for the clipboard, then for the device attributes (answered at once):
        // when the second answer is in, the page has read the first request, and said nothing.
        page.run("""
                window.clipboardReads = 0;
                const read = navigator.clipboard.readText.bind(navigator.clipboard);
                navigator.clipboard.readText = () => { window.clipboardReads++; return read(); };""");
        Path answer = directory.resolve("answer.txt");
        type("stty -echo -icanon; printf '\\033]52;c;?\\a\\033[c'; IFS= read -r -d c reply;"
                + " printf '%s' \"$reply\" | od -An -c > " + answer + "; stty sane; echo asked" + Keys.ENTER);
        page.awaitLine("asked");
        String reply = TerminalPage.read(answer).replaceAll("\\s+", " ").trim();
        assertTrue(reply.matches("033 \\[ \\? [0-9; ]+"), "only the device attributes came back: " + reply);
        assertEquals(0L, page.run("return window.clipboardReads"), "the page did not even read the clipboard");
        assertEquals("hello from osc 52", clipboard());
        page.screenshot("addons-clipboard-write");
    }

    @Test
    void withClipboardReadAProgramReadsTheClipboard() {
        open("--clipboard-read", "--no-auth", "--", "bash", "--norc", "--noprofile");
        grantClipboard();
        awaitAddons();
        page.run("return navigator.clipboard.writeText('copied in the browser')");

        Path answer = directory.resolve("answer.txt");
        type("stty -echo -icanon; printf '\\033]52;c;?\\a'; IFS= read -r -d $'\\a' reply;"
                + " printf '%s' \"$reply\" > " + answer + "; stty sane; echo asked" + Keys.ENTER);
        page.awaitLine("asked");
        String expected = "\u001b]52;c;" + Base64.getEncoder().encodeToString("copied in the browser".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, TerminalPage.read(answer), "the clipboard, base64, in OSC 52's answer");
    }

    @Test
    void aReloadDoesNotPutAnOldCopyFromTheHistoryBackOnTheClipboard() {
        open("--keep-alive", "60", "--no-auth", "--", "bash", "--norc", "--noprofile");
        grantClipboard();
        awaitAddons();
        type("printf '\\033]52;c;%s\\a' $(printf 'an old copy' | base64)" + Keys.ENTER);
        page.await("the program's text on the clipboard", () -> "an old copy".equals(clipboard()));
        page.run("return navigator.clipboard.writeText('copied since')");
        page.await("the terminal's name in the address", () -> driver().getCurrentUrl().contains("?t="));

        // The reloaded page's addons load while its history arrives: hold the WebSocket's messages
        // until they are in, so that the clipboard addon does parse the old copy in the history.
        Object id = new TerminalPage(driver()).cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                const loaded = new Promise((resolve) => {
                  const done = () => document.body && document.body.dataset.addons === 'loaded';
                  new MutationObserver((changes, observer) => {
                    if (done()) { observer.disconnect(); resolve(); }
                  }).observe(document, { attributes: true, subtree: true, childList: true });
                });
                const Native = window.WebSocket;
                window.WebSocket = class extends Native {
                  set onmessage(handler) {
                    let queue = loaded;
                    super.onmessage = (event) => { queue = queue.then(() => handler(event)); };
                  }
                };""")).get("identifier");
        try {
            driver().navigate().refresh();
            page.awaitOpen();
            awaitAddons();
            type("echo after the reload" + Keys.ENTER);
            page.awaitLine("after the reload");
            assertTrue(page.screen().stream().anyMatch(line -> line.contains("printf 'an old copy'")),
                    "the history, old copy included, was replayed: " + page.screen());
            assertEquals("copied since", clipboard(), "the old copy in the history did not come back");
        } finally {
            new TerminalPage(driver()).cdp("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
        }
    }

    private void grantClipboard() {
        String origin = server.url("/").toString().replaceFirst("/$", "");
        new TerminalPage(driver()).cdp("Browser.grantPermissions", Map.of("origin", origin,
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    private String clipboard() {
        return (String) driver().executeAsyncScript(
                "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e.message));");
    }

    // ---- renderer --------------------------------------------------------------------------------

    @Test
    void theTerminalDrawsWithWebglAndFallsBackWhenTheContextIsLost() {
        open(SHELL);
        page.await("a renderer chosen", () -> page.run("return document.body.dataset.renderer") != null);
        assertEquals("webgl", page.run("return document.body.dataset.renderer"),
                "this Chromium has WebGL2 (SwiftShader without a GPU)");
        type("echo drawn by webgl" + Keys.ENTER);
        page.awaitLine("drawn by webgl");
        page.screenshot("addons-webgl");

        page.run("""
                for (const canvas of document.querySelectorAll('.xterm-screen canvas')) {
                  const gl = canvas.getContext('webgl2');
                  const lose = gl && gl.getExtension('WEBGL_lose_context');
                  if (lose) lose.loseContext();
                }""");
        page.await("the DOM renderer after the context loss", () -> "dom".equals(page.run("return document.body.dataset.renderer")));
        type("echo drawn by the dom" + Keys.ENTER);
        page.awaitLine("drawn by the dom");
        page.await("the DOM renderer's rows show the text", () -> String.valueOf(
                page.run("return document.querySelector('.xterm-rows').textContent")).contains("drawn by the dom"));
    }

    @Test
    void withoutWebglTheDomRendererDraws() {
        // Before any of the page's scripts: this browser has no WebGL at all.
        Object id = new TerminalPage(driver()).cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                const getContext = HTMLCanvasElement.prototype.getContext;
                HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
                  return /webgl/.test(type) ? null : getContext.call(this, type, ...rest);
                };""")).get("identifier");
        try {
            open(SHELL);
            page.await("a renderer chosen", () -> page.run("return document.body.dataset.renderer") != null);
            assertEquals("dom", page.run("return document.body.dataset.renderer"));
            assertEquals("loaded", page.run("return document.body.dataset.addons"), "the other addons still work");
            type("echo drawn without webgl" + Keys.ENTER);
            page.awaitLine("drawn without webgl");
            page.await("the DOM renderer's rows show the text", () -> String.valueOf(
                    page.run("return document.querySelector('.xterm-rows').textContent")).contains("drawn without webgl"));
            page.screenshot("addons-no-webgl");
        } finally {
            new TerminalPage(driver()).cdp("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
        }
    }

    // ---- font size -------------------------------------------------------------------------------

    @Test
    void ctrlPlusMinusAndZeroSizeTheFontTheProgramIsToldAndTheBrowserRemembers() {
        open(SHELL);
        int[] before = sttySize(1);
        assertEquals(15L, fontSize());

        Path keys = directory.resolve("keys.txt");
        type("cat > " + keys + Keys.ENTER);
        type(Keys.chord(Keys.CONTROL, "="));
        type(Keys.chord(Keys.CONTROL, "="));
        type(Keys.chord(Keys.CONTROL, "="));
        type(Keys.chord(Keys.CONTROL, "-"));
        page.await("font size 17", () -> fontSize() == 17);
        type("end" + Keys.ENTER);
        type(Keys.chord(Keys.CONTROL, "d"));
        assertEquals("end\n", page.awaitFile(keys, "end\n"), "the font keys did not reach the program");

        int[] larger = sttySize(2);
        assertTrue(larger[1] < before[1] && larger[0] < before[0], "fewer rows and columns with a larger font: "
                + before[0] + "x" + before[1] + " then " + larger[0] + "x" + larger[1]);
        assertEquals(List.of(termRows(), termCols()), List.of(larger[0], larger[1]), "stty size is the page's");
        assertEquals("17", page.run("return localStorage.getItem('cloudterm-font-size')"));
        page.screenshot("addons-font-larger");

        driver().get(server.url("/").toString()); // a new page (and terminal) in this browser
        page.awaitOpen();
        page.await("the remembered size after a reload", () -> fontSize() == 17);

        type(Keys.chord(Keys.CONTROL, "0"));
        page.await("the server's size again", () -> fontSize() == 15);
        assertEquals(null, page.run("return localStorage.getItem('cloudterm-font-size')"));
        int[] reset = sttySize(3);
        assertEquals(List.of(before[0], before[1]), List.of(reset[0], reset[1]), "the first size again");
    }

    private long fontSize() {
        return ((Number) page.run("return cloudterm.term.options.fontSize")).longValue();
    }

    private int[] sttySize(int n) {
        type("printf 'rows=%s cols=%s\\n' $(stty size) && echo size-" + n + "-done" + Keys.ENTER);
        page.awaitLine("size-" + n + "-done");
        List<String> lines = page.screen();
        int done = lines.lastIndexOf("size-" + n + "-done");
        Matcher m = SIZE_LINE.matcher(lines.get(done - 1));
        assertTrue(m.matches(), "no stty size output before line " + done + ": " + lines);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private int termCols() {
        return ((Number) page.run("return cloudterm.term.cols")).intValue();
    }

    private int termRows() {
        return ((Number) page.run("return cloudterm.term.rows")).intValue();
    }

    // ---- themes ----------------------------------------------------------------------------------

    @Test
    void theThemeFollowsTheSystemsColourSchemeWhileThePageIsOpen() {
        colourScheme("light");
        open(SHELL);
        page.await("the light theme", () -> "light".equals(theme()));
        assertEquals("#fafafa", background());
        assertEquals("#fafafa", page.run("return getComputedStyle(document.documentElement).getPropertyValue('--background').trim()"),
                "the padding around the terminal too");
        type("echo light" + Keys.ENTER);
        page.awaitLine("light");
        page.screenshot("addons-theme-light");

        colourScheme("dark");
        page.await("the dark theme, without a reload", () -> "dark".equals(theme()));
        assertEquals("#16181d", background());
        page.screenshot("addons-theme-dark");
    }

    @Test
    void theOperatorsThemeWinsOverTheSystems() {
        colourScheme("light");
        open("-t", "theme={\"background\":\"#203040\"}", "--no-auth", "--", "bash", "--norc", "--noprofile");
        page.await("the operator's theme", () -> "server".equals(theme()));
        assertEquals("#203040", background());
        colourScheme("dark");
        colourScheme("light");
        type("echo still the operators" + Keys.ENTER);
        page.awaitLine("still the operators");
        assertEquals("#203040", background(), "a change of the system's scheme does not replace it");
    }

    private void colourScheme(String scheme) {
        new TerminalPage(driver()).cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    private String theme() {
        return (String) page.run("return document.documentElement.dataset.theme");
    }

    private String background() {
        return (String) page.run("return cloudterm.term.options.theme.background");
    }

    // ---- bell ------------------------------------------------------------------------------------

    @Test
    void aBellInAHiddenTabFlashesItsTitleUntilItIsShown() throws Exception {
        open(SHELL);
        Path fifo = directory.resolve("ring");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(10, TimeUnit.SECONDS);
        type("read go < " + fifo + "; printf 'rang\\a\\n'" + Keys.ENTER);
        String terminalTab = driver().getWindowHandle();
        String title = driver().getTitle();
        assertFalse(title.startsWith("🔔"), title);

        driver().switchTo().newWindow(WindowType.TAB); // the terminal's tab is now hidden
        driver().get("about:blank");
        // Opening the fifo for writing waits for its reader: the shell, already there.
        CompletableFuture<Void> ring = CompletableFuture.runAsync(() -> {
            try {
                Files.writeString(fifo, "go\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ring.get(TerminalPage.WAIT.toSeconds(), TimeUnit.SECONDS);
        page.await("the hidden tab's title flashing", () -> tabTitles().contains("🔔 " + title));

        driver().close();
        driver().switchTo().window(terminalTab);
        page.awaitLine("rang");
        page.await("the flashing stopped once the tab is shown",
                () -> page.run("return document.documentElement.dataset.bell") == null);
        assertEquals(title, driver().getTitle(), "the plain title again");
        page.screenshot("addons-bell-seen");
    }

    /** The titles of the browser's tabs, read through CDP: WebDriver reads only the current tab's. */
    @SuppressWarnings("unchecked")
    private List<String> tabTitles() {
        List<Map<String, Object>> targets = (List<Map<String, Object>>) new TerminalPage(driver()).cdp("Target.getTargets", Map.of()).get("targetInfos");
        return targets.stream().filter(t -> "page".equals(t.get("type"))).map(t -> (String) t.get("title")).toList();
    }

    // ---- first load ------------------------------------------------------------------------------

    @Test
    void theHeavyAddonsAreNotLinkedByThePageButFetchedByItsScript() throws IOException {
        open(SHELL);
        String html = server.get("", Map.of()).body();
        for (String addon : List.of("addon-webgl", "addon-image", "addon-search", "addon-clipboard")) {
            assertFalse(html.contains(addon), addon + " is not linked by the page");
        }
        awaitAddons();
        @SuppressWarnings("unchecked")
        List<String> fetched = (List<String>) page.run(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)");
        for (String addon : List.of("addon-webgl", "addon-image", "addon-search", "addon-clipboard")) {
            assertTrue(fetched.contains("/vendor/" + addon + ".js"), addon + " fetched by addons.js: " + fetched);
        }
    }

    // ---- the kit ---------------------------------------------------------------------------------

    private void open(String... args) {
        server = TestServer.start(args);
        page = new TerminalPage(driver());
        driver().get(server.url("/").toString());
        page.awaitOpen();
    }

    private void awaitAddons() {
        page.await("the addons loaded", () -> "loaded".equals(page.run("return document.body.dataset.addons")));
    }

    private void type(CharSequence... keys) {
        page.type(keys);
    }

    private static ChromeDriver driver() {
        return BROWSER.driver();
    }
}
