package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The xterm.js files under web/vendor/ are those refresh-xterm.sh wrote from the npm registry:
 * each file's hash as VERSIONS records it, and no file that VERSIONS does not list.
 */
class VendoredXtermTest {

    @Test
    void theVendoredFilesAreThoseVersionsLists() throws IOException, InterruptedException {
        Process verify = new ProcessBuilder("bash", "src/main/web/refresh-xterm.sh", "--verify")
                .redirectErrorStream(true).start();
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "refresh-xterm.sh --verify did not finish");
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, verify.exitValue(), output);
        assertTrue(output.contains("vendor/ matches VERSIONS"), output);
    }
}
