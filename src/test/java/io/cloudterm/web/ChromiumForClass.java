package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * One Chromium for a whole browser test class (a fresh page per test is the class's business):
 * starting one per test would cost the suite seconds each. Registered as
 * {@code @RegisterExtension static final ChromiumForClass BROWSER = new ChromiumForClass();}, so
 * that each class has its own. It is quit after the class, and must then be gone.
 */
final class ChromiumForClass implements BeforeAllCallback, AfterAllCallback {

    private Chromium chromium;

    @Override
    public void beforeAll(ExtensionContext context) {
        chromium = Chromium.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
            assertFalse(chromium.running(), "Chromium still runs after quit");
        }
    }

    ChromeDriver driver() {
        return chromium.driver();
    }
}
