package io.cloudterm.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * What a browser test does with CloudTerm's pages in a real Chromium: wait for the terminal to
 * open, type where a person types, read the screen as xterm.js holds it, and keep a screenshot
 * under {@code target/screenshots/} for people to look at after the run.
 */
final class TerminalPage {

    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver driver;
    private String lastRefusal;

    TerminalPage(WebDriver driver) {
        this.driver = driver;
    }

    WebDriver driver() {
        return driver;
    }

    /** The terminal page has connected (after a form's redirect, app.js may not have run yet). */
    void awaitOpen() {
        await("state 'open'", () -> "open".equals(run("return typeof cloudterm === 'undefined' ? 'loading' : cloudterm.state")));
    }

    /** Keys into xterm.js's hidden textarea, where a person's typing goes. */
    void type(CharSequence... keys) {
        driver.findElement(By.cssSelector(".xterm-helper-textarea")).sendKeys(keys);
    }

    /** The screen and scrollback as text, one entry per buffer line, trailing blanks trimmed. */
    @SuppressWarnings("unchecked")
    List<String> screen() {
        return (List<String>) run("""
                const buffer = cloudterm.term.buffer.active;
                const lines = [];
                for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
                return lines;""");
    }

    void awaitLine(String line) {
        await("a line '" + line + "' on the screen", () -> screen().contains(line));
    }

    Object run(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void await(String what, Supplier<Boolean> condition) {
        await(what, WAIT, condition);
    }

    void await(String what, Duration wait, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        lastRefusal = null;
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; screen: " + screenOrState()
                        + (lastRefusal == null ? "" : "; the browser last said: " + lastRefusal));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A page that is being replaced (a form's answer loading) has no elements yet, or stale ones,
     * and no scripts yet: the condition does not hold yet. If it never does, the timeout says
     * what the browser last answered.
     */
    private boolean holds(Supplier<Boolean> condition) {
        try {
            return Boolean.TRUE.equals(condition.get());
        } catch (org.openqa.selenium.WebDriverException e) {
            lastRefusal = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return false;
        }
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png} and returns the file. */
    Path screenshot(String name) {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String screenOrState() {
        try {
            List<String> lines = new ArrayList<>(screen());
            lines.removeIf(String::isEmpty);
            return lines + ", state " + run("return cloudterm.state") + ", overlay '"
                    + driver.findElement(By.id("overlay")).getText() + "'";
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** A Chrome DevTools command to this browser (emulation, permissions, downloads), and its answer. */
    @SuppressWarnings("unchecked")
    Map<String, Object> cdp(String command, Map<String, Object> parameters) {
        return (Map<String, Object>) (Map<?, ?>) ((org.openqa.selenium.chromium.HasCdp) driver).executeCdpCommand(command, parameters);
    }

    /** The text a program wrote to {@code file}, once it holds at least as many characters as {@code expected}. */
    String awaitFile(Path file, String expected) {
        await(file.getFileName() + " written", () -> Files.exists(file) && read(file).length() >= expected.length());
        return read(file);
    }

    /** A text file as UTF-8; a test fails, not compiles around, when it cannot be read. */
    static String read(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops {@code bytes} as a file named {@code name} on the terminal; returns whether the page kept the drop. */
    boolean drop(String name, byte[] bytes) {
        return Boolean.TRUE.equals(run("""
                const bytes = Uint8Array.from(atob(arguments[1]), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], arguments[0]));
                const target = document.getElementById('terminal');
                let kept = true;
                for (const type of ['dragenter', 'dragover', 'drop']) {
                  kept = !target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true })) && kept;
                }
                return kept;""", name, java.util.Base64.getEncoder().encodeToString(bytes)));
    }

    /** An upload's progress as the page shows it: "state|value/max", or "" before it is listed. */
    String uploadState(String name) {
        return (String) run("""
                const item = [...document.querySelectorAll('.transfer-item')].find((i) => i.dataset.name === arguments[0]);
                return item ? (item.dataset.state || '') + '|' + item.querySelector('progress').value + '/'
                    + item.querySelector('progress').max : '';""", name);
    }
}
