package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Pictures in the terminal page, in a real Chromium against a real shell: sixel and iTerm2 inline
 * images are drawn, and drawn again from the history the server replays when the page is
 * reloaded, although the image addon loads only after the terminal opens: the history waits for
 * it, briefly, and never on a new terminal. What reaches the program is only what was typed,
 * before and after the reload, and a waiting history still paces the server.
 */
class PageImagesBrowserTest {

    @RegisterExtension
    static final ChromiumForClass BROWSER = new ChromiumForClass();

    /** The terminal outlives the reload by far. */
    private static final String[] SHELL = {"--keep-alive", "60", "--no-auth", "--", "bash", "--norc", "--noprofile"};

    private TestServer server;
    private TerminalPage page;
    @TempDir
    Path directory;

    @AfterEach
    void leaveThePage() {
        try {
            driver().get("about:blank");
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aSixelImageIsDrawnAgainFromTheHistoryAfterAReload() throws IOException {
        Path picture = directory.resolve("picture.png");
        Files.write(picture, TestPicture.png());
        open();
        type("img2sixel " + picture + "; echo shown" + Keys.ENTER);
        page.awaitLine("shown");
        awaitRedSquare("the sixel image");

        reload();
        awaitRedSquare("the sixel image again, from the replayed history");
        assertTrue(page.screen().stream().anyMatch(line -> line.contains("img2sixel " + picture)),
                "the history was replayed: " + page.screen());
        page.screenshot("images-sixel-after-reload");
    }

    @Test
    void anITerm2InlineImageIsDrawnAndNothingIsTypedIntoTheShell() throws IOException {
        byte[] png = TestPicture.png();
        Path inline = directory.resolve("picture.iterm2");
        Files.writeString(inline, "\u001b]1337;File=inline=1;size=" + png.length + ":"
                + Base64.getEncoder().encodeToString(png) + "\u0007", StandardCharsets.US_ASCII);
        open();
        Path typed = directory.resolve("typed.txt");
        type("cat " + inline + "; cat > " + typed + Keys.ENTER);
        awaitRedSquare("the iTerm2 inline image");
        page.screenshot("images-iterm2-inline");

        type("typed after the image" + Keys.ENTER);
        type(Keys.chord(Keys.CONTROL, "d"));
        assertEquals("typed after the image\n", page.awaitFile(typed, "typed after the image\n"),
                "what reached cat after the image: only what was typed");
        assertTrue(page.screen().stream().noneMatch(line -> line.contains("1337") || line.contains("\u001b")),
                "the escape sequence was taken as an image, not shown as text: " + page.screen());
    }

    @Test
    void afterAReloadOnlyWhatIsTypedReachesTheProgram() throws IOException {
        Path picture = directory.resolve("picture.png");
        Files.write(picture, TestPicture.png());
        Path typed = directory.resolve("typed.txt");
        open();
        // Besides whatever img2sixel asks, the history holds questions the image addon answers
        // (sixel colour registers) and xterm.js does (device attributes, whose answer ends in c):
        // live on this first page, read here so that cat starts clean; replayed after the
        // reload, answered again they would reach cat.
        type("img2sixel " + picture + "; stty -echo -icanon; printf '\\033[?1;1;0S\\033[c'; IFS= read -r -d c;"
                + " stty sane; cat > " + typed + Keys.ENTER);
        awaitRedSquare("the sixel image");
        type("before the reload" + Keys.ENTER);
        page.awaitLine("before the reload");

        reload();
        awaitRedSquare("the sixel image again, from the replayed history");
        type("after the reload" + Keys.ENTER);
        page.await("the line typed after the reload echoed",
                () -> page.screen().stream().anyMatch(line -> line.endsWith("after the reload")));
        page.screenshot("images-typed-after-reload");
        type(Keys.chord(Keys.CONTROL, "d"));
        String expected = "before the reload\nafter the reload\n";
        assertEquals(expected, page.awaitFile(typed, expected),
                "what reached cat across the reload: only what was typed, no answer to a replayed question");
    }

    @Test
    void aReloadShowsTheHistoryEvenIfTheImageAddonNeverArrives() {
        open();
        type("echo before the reload" + Keys.ENTER);
        page.awaitLine("before the reload");

        // The reloaded page's image addon never arrives: its script element is never added, so
        // it neither loads nor fails. (A request left unanswered would hold the page's load event,
        // and with it WebDriver.)
        reload("""
                const append = Node.prototype.appendChild;
                Node.prototype.appendChild = function (child) {
                  if (child instanceof HTMLScriptElement && /addon-image/.test(child.src)) return child;
                  return append.call(this, child);
                };""");
        page.awaitLine("before the reload");
        type("echo after the reload" + Keys.ENTER);
        page.awaitLine("after the reload");
        assertEquals(null, page.run("return document.body.dataset.addons"), "the addons never came");
        page.screenshot("images-history-without-the-addon");
    }

    @Test
    void aNewTerminalWritesItsOutputAsItArrivesWithoutWaitingForTheAddons() {
        // The image addon never arrives. Each OUTPUT frame is checked as the page takes it in:
        // was it handed to xterm.js there and then, or kept back?
        Object id = new TerminalPage(driver()).cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                const append = Node.prototype.appendChild;
                Node.prototype.appendChild = function (child) {
                  if (child instanceof HTMLScriptElement && /addon-image/.test(child.src)) return child;
                  return append.call(this, child);
                };
                window.outputs = { written: 0, keptBack: 0 };
                let writes = 0;
                document.addEventListener('cloudterm:terminal', (event) => {
                  const term = event.detail.term;
                  const write = term.write.bind(term);
                  term.write = (data, callback) => { writes++; return write(data, callback); };
                });
                const Native = window.WebSocket;
                window.WebSocket = class extends Native {
                  set onmessage(handler) {
                    let before = 0;
                    const isOutput = (event) => typeof event.data !== 'string'
                        && new Uint8Array(event.data)[0] === 0x30 && event.data.byteLength > 1;
                    // Listeners run in the order they were added: one just before the page's, one just after.
                    this.addEventListener('message', () => { before = writes; });
                    super.onmessage = handler;
                    this.addEventListener('message', (event) => {
                      if (isOutput(event)) outputs[writes > before ? 'written' : 'keptBack']++;
                    });
                  }
                };""")).get("identifier");
        try {
            server = TestServer.start(SHELL);
            page = new TerminalPage(driver());
            driver().get(server.url("/").toString());
            page.awaitOpen();
            type("echo a new terminal" + Keys.ENTER);
            page.awaitLine("a new terminal");
        } finally {
            new TerminalPage(driver()).cdp("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
        }
        assertEquals(null, page.run("return document.body.dataset.addons"), "the addons never came");
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) page.run("return outputs");
        assertEquals(0L, outputs.get("keptBack"), "no output waited: " + outputs);
        assertTrue((Long) outputs.get("written") > 0, "output came: " + outputs);
    }

    @Test
    void aLongHistoryWaitingForTheAddonsPausesTheServerAsIfItWereBeingParsed() {
        // 2.8 MB of history: more than the page takes in before it pauses the server (1 MiB).
        server = TestServer.start("--scrollback", String.valueOf(4 << 20), "--keep-alive", "60", "--no-auth", "--",
                "bash", "--norc", "--noprofile");
        page = new TerminalPage(driver());
        driver().get(server.url("/").toString());
        page.awaitOpen();
        type("yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -n 40000;"
                + " echo the long output ended" + Keys.ENTER);
        page.awaitLine("the long output ended");

        // The image addon never arrives, so the history waits as long as the page lets it; what
        // the page sends and when REPLAY_END arrives are noted in order.
        reload("""
                const append = Node.prototype.appendChild;
                Node.prototype.appendChild = function (child) {
                  if (child instanceof HTMLScriptElement && /addon-image/.test(child.src)) return child;
                  return append.call(this, child);
                };
                window.flow = [];
                const Native = window.WebSocket;
                window.WebSocket = class extends Native {
                  constructor(...args) {
                    super(...args);
                    this.addEventListener('message', (event) => {
                      if (typeof event.data !== 'string' && new Uint8Array(event.data)[0] === 0x34) flow.push('REPLAY_END');
                    });
                  }
                  send(data) {
                    const bytes = new Uint8Array(data.buffer || data);
                    if (bytes.length === 1 && bytes[0] === 0x32) flow.push('PAUSE');
                    if (bytes.length === 1 && bytes[0] === 0x33) flow.push('RESUME');
                    super.send(data);
                  }
                };""");
        page.awaitLine("the long output ended");
        @SuppressWarnings("unchecked")
        List<String> flow = (List<String>) page.run("return flow");
        assertTrue(flow.indexOf("PAUSE") >= 0 && flow.indexOf("PAUSE") < flow.indexOf("REPLAY_END"),
                "the page paused the server in the middle of the waiting history: " + flow);
        // Paused, the server may hold back the rest of the history (and REPLAY_END) until the page
        // takes in what it holds: the RESUME can come before REPLAY_END or after it.
        assertTrue(flow.lastIndexOf("RESUME") > flow.lastIndexOf("PAUSE"), "and resumed it once it took the history in: " + flow);

        type("echo after the reload" + Keys.ENTER);
        page.awaitLine("after the reload");
    }

    // ---- the kit ---------------------------------------------------------------------------------

    private void open() {
        server = TestServer.start(SHELL);
        page = new TerminalPage(driver());
        driver().get(server.url("/").toString());
        page.awaitOpen();
        // On a new terminal the history does not wait for the addons: the image addon may not be there yet.
        page.await("the addons loaded", () -> "loaded".equals(page.run("return document.body.dataset.addons")));
    }

    /**
     * Reloads the page, which reattaches to the same terminal and is given its history again. On
     * loopback the browser's cached addons are usually in before the history; on a real network
     * they may well come after it, and so they do here: the image addon's script is added only
     * once the whole history has arrived and, if the page let it, been parsed; its sixel decoder
     * (WebAssembly, made ready after the addon is loaded) is ready only once xterm.js has parsed
     * all it was given. How long the page lets the history wait at most is another test's subject
     * (a busy machine may take longer to load the addon): here the page's timers of a second or
     * more started while it takes in a message never fire.
     */
    private void reload() {
        reload("""
                const append = Node.prototype.appendChild;
                const late = [];
                let arrived = false;
                Node.prototype.appendChild = function (child) {
                  if (arrived || !(child instanceof HTMLScriptElement && /addon-image/.test(child.src))) {
                    return append.call(this, child);
                  }
                  late.push([this, child]);
                  return child;
                };
                const instantiate = WebAssembly.instantiate;
                WebAssembly.instantiate = function (...args) {
                  return instantiate.apply(this, args).then((result) => new Promise((resolve) => {
                    window.cloudterm.term.write('', () => resolve(result));
                  }));
                };
                let receiving = false;
                const setTimeoutNative = window.setTimeout;
                window.setTimeout = function (callback, delay, ...rest) {
                  return receiving && delay >= 1000 ? 0 : setTimeoutNative.call(this, callback, delay, ...rest);
                };
                const Native = window.WebSocket;
                window.WebSocket = class extends Native {
                  constructor(...args) {
                    super(...args);
                    // Heard before the page's own onmessage: REPLAY_END ('4') as it arrives.
                    this.addEventListener('message', (event) => {
                      if (typeof event.data === 'string' || new Uint8Array(event.data)[0] !== 0x34) return;
                      window.cloudterm.term.write('', () => {
                        arrived = true;
                        for (const [parent, child] of late) append.call(parent, child);
                      });
                    });
                  }
                  set onmessage(handler) {
                    // Listeners run in the order they were added: one just before the page's, one just after.
                    this.addEventListener('message', () => { receiving = true; });
                    super.onmessage = handler;
                    this.addEventListener('message', () => { receiving = false; });
                  }
                };""");
    }

    /** Reloads the page with a script that runs in it before the page's own. */
    private void reload(String before) {
        page.await("the terminal's name in the address", () -> driver().getCurrentUrl().contains("?t="));
        Object id = new TerminalPage(driver()).cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", before)).get("identifier");
        try {
            driver().navigate().refresh();
            page.awaitOpen();
        } finally {
            new TerminalPage(driver()).cdp("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
        }
        page.await("the history parsed", () -> Boolean.FALSE.equals(page.run("return cloudterm.replaying"))
                && page.screen().stream().anyMatch(line -> !line.isEmpty()));
    }

    private void awaitRedSquare(String what) {
        page.await(what + " in the image addon's layer", () -> Boolean.TRUE.equals(page.run(TestPicture.RED_SQUARE_DRAWN)));
    }

    private void type(CharSequence... keys) {
        page.type(keys);
    }

    private static ChromeDriver driver() {
        return BROWSER.driver();
    }
}
