package io.cloudterm.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its own chromedriver, with a fresh profile.
 * Selenium is given both binaries, so Selenium Manager never runs and nothing is downloaded.
 * {@link #close} quits the browser, stops the driver and deletes the profile.
 */
final class Chromium implements AutoCloseable {

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final String CHROMIUM = "/usr/bin/chromium";
    /**
     * Selenium warns on every start that it has no CDP bindings for this Chromium version; the
     * tests speak WebDriver only. Held here because java.util.logging keeps loggers weakly.
     */
    private static final List<Logger> QUIET = Stream.of("org.openqa.selenium.devtools", "org.openqa.selenium.chromium")
            .map(Logger::getLogger)
            .peek(logger -> logger.setLevel(Level.SEVERE))
            .toList();

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Chromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    static Chromium start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("cloudterm-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // Root on a closed network: no sandbox, no GPU, no /dev/shm, and nothing that phones home.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1000,700");
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return new Chromium(profile, service, driver);
        } catch (RuntimeException e) {
            service.stop();
            deleteProfile(profile);
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Whether a browser process that uses this profile still runs (it identifies ours among all Chromiums). */
    boolean running() {
        return !processesUsing(profile).isEmpty();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            awaitBrowserGone();
            deleteProfile(profile);
        }
    }

    private void awaitBrowserGone() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (running() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Live processes whose command line names {@code profile}: the browser and its helpers. */
    private static List<Long> processesUsing(Path profile) {
        String marker = "--user-data-dir=" + profile;
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> commandLine(p).contains(marker) && !zombie(p))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String commandLine(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // exited meanwhile
        }
    }

    private static boolean zombie(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static void deleteProfile(Path profile) {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile left in /tmp is not worth failing a test for
        }
    }
}
