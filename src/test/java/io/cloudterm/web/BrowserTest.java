package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;

/** The terminal page in a real headless Chromium against a real server and a real shell. */
class BrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String[] SHELL = {"--", "bash", "--norc", "--noprofile"};
    /** "rows=24 cols=80": the printf format differs from its output, so the echoed command never matches. */
    private static final Pattern SIZE_LINE = Pattern.compile("^rows=(\\d+) cols=(\\d+)$");

    private Chromium chromium;
    private WebDriver driver;
    private TestServer server;

    @BeforeEach
    void startBrowser() {
        chromium = Chromium.start();
        driver = chromium.driver();
    }

    @AfterEach
    void stopBrowserAndServer() {
        try {
            if (chromium != null) {
                chromium.close();
                assertFalse(chromium.running(), "Chromium still runs after quit");
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @AfterAll
    static void noChromedriverIsLeftBehind() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!chromedrivers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), chromedrivers(), "chromedriver children of this JVM still alive");
    }

    @Test
    void loggingInWithThePrintedUrlGivesAWorkingShell() throws Exception {
        server = TestServer.start(SHELL);
        String token = server.server().accessToken().orElseThrow();
        driver.get(server.server().loginUrl().toString());
        awaitOpen();
        assertFalse(driver.getCurrentUrl().contains(token), "token still in the address bar: " + driver.getCurrentUrl());
        assertFalse(driver.getCurrentUrl().contains("#"), driver.getCurrentUrl());

        type("echo hello" + Keys.ENTER);
        awaitLine("hello");

        String title = driver.getTitle();
        assertTrue(title.contains("bash ("), "SET_WINDOW_TITLE names the command and host: " + title);
        saveScreenshot();
    }

    @Test
    void theTerminalFollowsTheWindowSize() {
        server = TestServer.start(SHELL);
        driver.get(server.server().loginUrl().toString());
        awaitOpen();
        int[] before = sttySize(1);
        assertEquals(List.of(termRows(), termCols()), List.of(before[0], before[1]), "the pty starts at the page's size");

        driver.manage().window().setSize(new Dimension(640, 420));
        await("term.cols/rows to follow the window", () -> termCols() != before[1] && termRows() != before[0]);

        int[] after = sttySize(2);
        assertNotEquals(before[1], after[1], "columns did not change");
        assertEquals(List.of(termRows(), termCols()), List.of(after[0], after[1]), "stty size after the resize");
    }

    /**
     * A page that goes away lets go of its terminal at once, not when pings find it gone (two
     * minutes here): until then the server would still count it, and its size would bind the
     * terminal that a reloaded page shares.
     */
    @Test
    void leavingThePageLetsGoOfTheTerminalAtOnce() {
        server = TestServer.start("--ping-interval", "60", "--keep-alive", "60", "--", "bash", "--norc", "--noprofile");
        driver.get(server.server().loginUrl().toString());
        awaitOpen();
        await("the page attached", () -> server.server().terminals().size() == 1
                && server.server().terminals().getFirst().attachedClients() == 1);
        driver.get("about:blank");
        await("the terminal let go", () -> server.server().terminals().getFirst().attachedClients() == 0);
        assertEquals(1, server.server().terminals().size(), "kept for a reattach, not ended");
    }

    @Test
    void aFinishedProcessShowsTheOverlayAndEnterReconnects() {
        server = TestServer.start(SHELL);
        driver.get(server.server().loginUrl().toString());
        awaitOpen();

        type("exit 7" + Keys.ENTER);
        await("the overlay", () -> driver.findElement(By.id("overlay")).isDisplayed());
        assertEquals("The program ended", driver.findElement(By.id("overlay-title")).getText());
        assertEquals("closed", page("return cloudterm.state"));
        assertEquals(1000L, page("return cloudterm.closeCode"));
        assertEquals("exit 7", page("return cloudterm.closeReason"));
        assertTrue(driver.findElement(By.id("overlay")).getText().contains("exit 7"),
                driver.findElement(By.id("overlay")).getText());

        new Actions(driver).sendKeys(Keys.ENTER).perform();
        awaitOpen();
        assertFalse(driver.findElement(By.id("overlay")).isDisplayed(), "overlay after reconnecting");
        type("echo back" + Keys.ENTER);
        awaitLine("back");
    }

    @Test
    void whenTheServerStopsThePageSaysSoAndARestartBringsItBack() {
        server = TestServer.start("--no-auth", "--", "bash", "--norc", "--noprofile");
        int port = server.server().port();
        driver.get(server.server().url().toString());
        awaitOpen();

        server.close();
        await("the overlay", () -> driver.findElement(By.id("overlay")).isDisplayed());
        assertEquals("The server stopped", driver.findElement(By.id("overlay-title")).getText());
        assertEquals(1001L, page("return cloudterm.closeCode"));

        server = TestServer.start(io.cloudterm.cli.CloudTerm.configFrom("--port", String.valueOf(port), "--no-auth",
                "--keep-alive", "0", "--", "bash", "--norc", "--noprofile"));
        // The page retries by itself, backing off (0.5, 1, 2, 4, 8 s...): no key is pressed.
        await("the page to come back by itself", Duration.ofSeconds(60), () -> "open".equals(page("return cloudterm.state")));
        type("echo restarted" + Keys.ENTER);
        awaitLine("restarted");
    }

    @Test
    void withoutTheTokenThePageAsksForALogin() throws InterruptedException {
        server = TestServer.start(SHELL);
        driver.get(server.server().url().toString());
        await("the overlay", () -> driver.findElement(By.id("overlay")).isDisplayed());
        assertEquals("This terminal needs a login", driver.findElement(By.id("overlay-title")).getText());
        assertTrue(driver.findElement(By.id("overlay-detail")).getText().contains("#token="),
                driver.findElement(By.id("overlay-detail")).getText());
        assertEquals("closed", page("return cloudterm.state"));
        assertEquals("closed", driver.findElement(By.tagName("body")).getDomAttribute("data-state"));
        Thread.sleep(500); // a WebSocket the page wrongly opened would have spawned a shell by now
        assertEquals(List.of(), server.server().terminals(), "a terminal was started without a login");
    }

    @Test
    void reloadingThePageReattachesAndAFullScreenProgramIsDrawnAgain() {
        server = TestServer.start("--keep-alive", "60", "--", "bash", "--norc", "--noprofile");
        driver.get(server.server().loginUrl().toString());
        awaitOpen();
        type("echo pid=$$" + Keys.ENTER);
        await("the pid", () -> screen().stream().anyMatch(l -> l.matches("pid=\\d+")));
        String pidLine = screen().stream().filter(l -> l.matches("pid=\\d+")).findFirst().orElseThrow();
        type("seq 1 500 | less" + Keys.ENTER);
        await("less showing the top of the list", () -> lessScreen(screen()));
        await("the terminal's name in the address", () -> driver.getCurrentUrl().contains("?t="));

        driver.navigate().refresh(); // a new page, a new WebSocket, the same terminal
        awaitOpen();
        try {
            await("less drawn again after reattaching", () -> lessScreen(screen()));
        } catch (AssertionError e) {
            // Which side disagrees: the page's rows, the terminal's size on the server, the pty's.
            throw new AssertionError(e.getMessage() + "; page " + termCols() + "x" + termRows() + ", server "
                    + server.server().terminals().getFirst().size() + ", clients "
                    + server.server().terminals().getFirst().attachedClients() + ", replaying " + page("return cloudterm.replaying")
                    + ", lines " + screen(), e);
        }
        // Keys pressed while xterm.js still parses the replayed history are dropped by design (see
        // app.js input()): a person sees the screen a moment after that; a test must wait for it.
        await("the history parsed", () -> Boolean.FALSE.equals(page("return cloudterm.replaying")));
        type("q");
        type("echo pid=$$" + Keys.ENTER);
        await("the same shell", () -> screen().stream().filter(l -> l.equals(pidLine)).count() >= 2);
        assertEquals(1, server.server().terminals().size(), "no second terminal was started");
    }

    /**
     * Behind a gateway: the page and the login are the gateway's, the shell runs on a host (as the
     * gateway's user), the address names the terminal with its host, and a reload finds the same
     * shell through the gateway.
     */
    @Test
    void throughAGatewayTheShellRunsOnAHostAndAReloadFindsItAgain(@TempDir Path dir) {
        io.cloudterm.auth.KeyFiles.Pair keys = io.cloudterm.auth.KeyFiles.pair();
        Path privateKey = io.cloudterm.auth.KeyFiles.write(dir, "gateway.key", keys.privatePem());
        Path publicKey = io.cloudterm.auth.KeyFiles.write(dir, "gateway.pub", keys.publicPem());
        List<TestServer> hosts = new ArrayList<>();
        try {
            for (String address : List.of("127.0.0.2", "127.0.0.3")) {
                hosts.add(TestServer.start("--interface", address, "--trust-gateway", publicKey.toString(), "--keep-alive", "60",
                        "--", "bash", "--norc", "--noprofile"));
            }
            String spec = "static:" + String.join(",", hosts.stream().map(h -> h.server().url().getAuthority()).toList());
            server = TestServer.start(io.cloudterm.cli.CloudTerm.configFrom("gateway", "--port", "0", "--hosts", spec,
                    "--gateway-key", privateKey.toString()));
            driver.get(server.server().loginUrl().toString());
            awaitOpen();
            type("echo user=$CLOUDTERM_USER pid=$$" + Keys.ENTER);
            await("the shell's answer", () -> screen().stream().anyMatch(l -> l.matches("user=token pid=\\d+")));
            String pidLine = screen().stream().filter(l -> l.matches("user=token pid=\\d+")).findFirst().orElseThrow();
            assertEquals(1, hosts.stream().mapToInt(h -> h.server().terminals().size()).sum(), "one terminal, on a host");
            await("the terminal's name, with its host's, in the address",
                    () -> driver.getCurrentUrl().matches(".*\\?t=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}$"));

            // What reaches the program from here on is kept: the reload must type nothing by itself.
            Path input = dir.resolve("input.log");
            type("cat > " + input + Keys.ENTER);
            await("cat reading", () -> java.nio.file.Files.exists(input));

            driver.navigate().refresh();
            awaitOpen();
            type("end-of-input" + Keys.ENTER);
            type(Keys.chord(Keys.CONTROL, "d"));
            await("cat done", () -> readQuietly(input).endsWith("end-of-input\n"));
            type("echo user=$CLOUDTERM_USER pid=$$" + Keys.ENTER);
            await("the same shell", () -> screen().stream().filter(l -> l.equals(pidLine)).count() >= 2);
            assertEquals("end-of-input\n", readQuietly(input), "only what was typed reached the program");
            assertEquals(1, hosts.stream().mapToInt(h -> h.server().terminals().size()).sum(), "no second terminal was started");
        } finally {
            hosts.forEach(TestServer::close);
        }
    }

    /**
     * A program that asks the terminal questions (cursor position, device attributes, colours, a
     * mode) and logs, as hex, every byte that reaches its input. The answers of the first page are
     * live and expected; after a reload, and in a second tab, xterm.js parses those queries again
     * in the replayed history, and none of its answers may reach the program. A question asked
     * after the reload is answered, once.
     */
    @Tag("security")
    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void replayedQueriesAreNotAnsweredIntoTheProgram(String mode, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("input.hex");
        Path asker = dir.resolve("asker.sh");
        Files.writeString(asker, """
                stty raw -echo
                ask() { printf '\\033[6n\\033[c\\033[>c\\033]10;?\\033\\\\\\033]11;?\\033\\\\\\033[?2004$p'; printf 'asked\\r\\n'; }
                ask
                while b=$(dd bs=1 count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n') && [ -n "$b" ]; do
                  printf '%s' "$b" >> "$1"
                  printf 'in:%s\\r\\n' "$b"
                  if [ "$b" = 51 ]; then ask; fi
                done
                """);
        Files.writeString(log, "");
        server = TestServer.start("--native", mode, "--keep-alive", "60", "--", "sh", asker.toString(), log.toString());
        driver.get(server.server().loginUrl().toString());
        awaitOpen();
        // A new terminal: no history, and its program's questions are live, so answered.
        awaitInput(log, Pattern.compile(ANSWERS + "$"));
        assertInput(log, ANSWERS, "the first page answers the live questions, once");
        await("the terminal's name in the address", () -> driver.getCurrentUrl().contains("?t="));
        String terminalUrl = driver.getCurrentUrl();

        driver.navigate().refresh(); // xterm.js parses the questions again, in the history
        awaitReplayed(1);
        type("Q"); // the program asks again: live, after the history
        awaitInput(log, Pattern.compile("Q" + ANSWERS + "$"));
        assertInput(log, ANSWERS + "Q" + ANSWERS, "after the reload only the typed Q and the answers to the new questions");
        assertScreenShowsInput(log);

        String firstTab = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(terminalUrl); // a second writable client of the same terminal
        awaitReplayed(2);
        type("Z");
        awaitInput(log, Pattern.compile("Z$"));
        assertInput(log, ANSWERS + "Q" + ANSWERS + "Z", "a second tab adds only the typed Z");
        assertScreenShowsInput(log);
        driver.switchTo().window(firstTab);
        assertScreenShowsInput(log);
        assertEquals(1, server.server().terminals().size(), "no second terminal was started");
    }

    /**
     * xterm.js's answers to the asker's questions, in order: cursor position, primary and
     * secondary device attributes, foreground and background colour, bracketed paste mode.
     */
    private static final String ANSWERS = "\\e\\[\\d+;\\d+R\\e\\[\\?[\\d;]+c\\e\\[>[\\d;]+c"
            + "\\e\\]10;rgb:\\p{XDigit}{4}/\\p{XDigit}{4}/\\p{XDigit}{4}(?:\\e\\\\|\\a)"
            + "\\e\\]11;rgb:\\p{XDigit}{4}/\\p{XDigit}{4}/\\p{XDigit}{4}(?:\\e\\\\|\\a)"
            + "\\e\\[\\?2004;\\d\\$y";

    /** Waits until the page has parsed the history (it holds the asker's questions {@code asked} times). */
    private void awaitReplayed(int asked) {
        awaitOpen();
        await("the history parsed", () -> !Boolean.TRUE.equals(page("return cloudterm.replaying"))
                && screen().stream().filter("asked"::equals).count() >= asked);
    }

    /** What reached the asker's input, each byte as one char (ISO-8859-1). */
    private static String input(Path log) {
        try {
            return new String(HexFormat.of().parseHex(Files.readString(log).strip()),
                    StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitInput(Path log, Pattern wanted) {
        try {
            await("input matching " + wanted, () -> wanted.matcher(input(log)).find());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the program read: " + visible(input(log)), e);
        }
    }

    private static void assertInput(Path log, String exactly, String what) {
        String input = input(log);
        assertTrue(Pattern.compile(exactly).matcher(input).matches(), what + "; the program read: " + visible(input));
    }

    /**
     * The asker shows every byte it reads as a line in:&lt;hex&gt;, just after logging it: the screen
     * comes to tell the same story as the log, and no answer shows on it as text.
     */
    private void assertScreenShowsInput(Path log) throws IOException {
        String read = Files.readString(log).strip();
        try {
            await("the screen to show what the program read", () -> read.equals(shownInput()));
        } catch (AssertionError e) {
            assertEquals(read, shownInput(), "the in: lines on the screen");
        }
        assertTrue(screen().stream().noneMatch(l -> l.contains("rgb:") || l.contains("276;")), "answers on the screen: " + screen());
    }

    private String shownInput() {
        return String.join("", screen().stream().filter(l -> l.startsWith("in:")).map(l -> l.substring(3)).toList());
    }

    private static String visible(String input) {
        return input.replace("\u001b", "\\e").replace("\u0007", "\\a");
    }

    /** less's first page of `seq 1 500`: 1, 2, 3... from the top row, and its prompt at the bottom. */
    private boolean lessScreen(List<String> lines) {
        int rows = termRows();
        if (lines.size() < rows) {
            return false;
        }
        List<String> visible = lines.subList(lines.size() - rows, lines.size());
        return visible.get(0).equals("1") && visible.get(1).equals("2") && visible.get(rows - 2).equals(String.valueOf(rows - 1))
                && visible.get(rows - 1).startsWith(":");
    }

    @Test
    void aReadOnlyShareLinkShowsAnotherUserTheTerminalButNotTheKeyboard(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path users = dir.resolve("users");
        java.nio.file.Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("a", org.mindrot.jbcrypt.BCrypt.gensalt(4))
                + "\nbob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        server = TestServer.start("--users", users.toString(), "--keep-alive", "60", "--", "bash", "--norc", "--noprofile");
        logInWithTheForm("alice", "a");
        type("echo shared-by-alice" + Keys.ENTER);
        awaitLine("shared-by-alice");
        String handle = new java.net.URI(driver.getCurrentUrl()).getQuery().replaceFirst("^t=", "");
        String aliceCookie = server.post("login", "user=alice&password=a&next=", java.util.Map.of())
                .headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String created = server.post("api/terminals/" + handle + "/shares", "access=view", java.util.Map.of("Cookie", aliceCookie)).body();
        String link = jakarta.json.Json.createReader(new java.io.StringReader(created)).readObject().getString("link");

        try (Chromium bobs = Chromium.start()) {
            WebDriver alicesDriver = driver;
            driver = bobs.driver();
            try {
                // Logged out, bob follows the link: the form, then the shared terminal (the token survives).
                driver.get(server.server().url().resolve(link).toString());
                await("the login form", () -> driver.getCurrentUrl().contains("/login"));
                driver.findElement(By.id("user")).sendKeys("bob");
                driver.findElement(By.id("password")).sendKeys("b" + Keys.ENTER);
                awaitOpen();
                awaitLine("shared-by-alice");
                assertFalse(driver.getCurrentUrl().contains("share="), "the share token left the address bar");
                type("echo typed-by-bob" + Keys.ENTER);
                driver = alicesDriver;
                type("echo still-alice" + Keys.ENTER);
                awaitLine("still-alice");
                driver = bobs.driver();
                awaitLine("still-alice");
                assertFalse(screen().contains("typed-by-bob"), "a read-only viewer typed into the terminal");
            } finally {
                driver = alicesDriver;
            }
        }
    }

    private void logInWithTheForm(String user, String password) {
        driver.get(server.server().url().toString());
        await("the login form", () -> driver.getCurrentUrl().contains("/login"));
        driver.findElement(By.id("user")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password + Keys.ENTER);
        awaitOpen();
    }

    @Test
    void withAccountsTheFormLogsInWithoutScriptAndLogoutEndsTheTerminal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path users = dir.resolve("users");
        java.nio.file.Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("wonderland",
                org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        String[] args = new String[SHELL.length + 2];
        args[0] = "--users";
        args[1] = users.toString();
        System.arraycopy(SHELL, 0, args, 2, SHELL.length);
        server = TestServer.start(args);
        driver.get(server.server().url().toString());
        await("the login form", () -> driver.getCurrentUrl().contains("/login"));
        driver.findElement(By.id("user")).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys("not-it" + Keys.ENTER);
        await("the wrong-password notice", () -> driver.getPageSource().contains("Wrong user name or password."));
        assertEquals("alice", driver.findElement(By.id("user")).getDomProperty("value"), "the form kept the name");
        driver.findElement(By.id("password")).sendKeys("wonderland" + Keys.ENTER);
        awaitOpen();
        // The page names its terminal in the address once TERMINAL_INFO has arrived, just after 'open'.
        await("back where the user was going, now naming its terminal",
                () -> driver.getCurrentUrl().startsWith(server.server().url() + "?t="));
        type("echo I am $CLOUDTERM_USER" + Keys.ENTER);
        awaitLine("I am alice");
        driver.findElement(By.id("menu-button")).click();
        driver.findElement(By.id("logout")).click();
        await("the login form saying so", () -> driver.getCurrentUrl().contains("/login")
                && driver.getPageSource().contains("You have logged out."));
        driver.get(server.server().url().toString());
        await("the login form again: the session is over", () -> driver.getCurrentUrl().contains("/login"));
    }

    // ---- the page -------------------------------------------------------------------------------

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitOpen() {
        // The page may still be loading (after a form's redirect, before app.js has run): wait for it too.
        await("state 'open'", () -> "open".equals(page("return typeof cloudterm === 'undefined' ? 'loading' : cloudterm.state")));
        assertEquals("open", driver.findElement(By.tagName("body")).getDomAttribute("data-state"));
    }

    /** Keys into xterm.js's hidden textarea, where a person's typing goes. */
    private void type(String keys) {
        driver.findElement(By.cssSelector(".xterm-helper-textarea")).sendKeys(keys);
    }

    /** The screen and scrollback as text, one entry per buffer line, trailing blanks trimmed. */
    @SuppressWarnings("unchecked")
    private List<String> screen() {
        return (List<String>) page("""
                const buffer = cloudterm.term.buffer.active;
                const lines = [];
                for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
                return lines;""");
    }

    private void awaitLine(String line) {
        await("a line '" + line + "' on the screen", () -> screen().contains(line));
    }

    /** Runs {@code stty size} tagged with {@code n} and returns its {rows, columns}. */
    private int[] sttySize(int n) {
        type("printf 'rows=%s cols=%s\\n' $(stty size) && echo size-" + n + "-done" + Keys.ENTER);
        awaitLine("size-" + n + "-done");
        List<String> lines = screen();
        int done = lines.lastIndexOf("size-" + n + "-done");
        Matcher m = SIZE_LINE.matcher(lines.get(done - 1));
        assertTrue(m.matches(), "no stty size output before line " + done + ": " + lines);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private int termCols() {
        return ((Number) page("return cloudterm.term.cols")).intValue();
    }

    private int termRows() {
        return ((Number) page("return cloudterm.term.rows")).intValue();
    }

    private Object page(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private void await(String what, Supplier<Boolean> condition) {
        await(what, WAIT, condition);
    }

    private void await(String what, Duration wait, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; screen: " + screenOrState());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private String screenOrState() {
        try {
            List<String> lines = new ArrayList<>(screen());
            lines.removeIf(String::isEmpty);
            return lines + ", state " + page("return cloudterm.state") + ", overlay '"
                    + driver.findElement(By.id("overlay")).getText() + "'";
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void saveScreenshot() throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "cloudterm-browser.png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot of the working terminal: " + target);
    }

    private static List<Long> chromedrivers() {
        return ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("chromedriver"))
                .map(ProcessHandle::pid)
                .toList();
    }
}
