package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AssetLinksTest {

    private static final Map<String, String> VERSIONS = Map.of("app.js", "A1", "vendor/xterm.css", "X2");

    @Test
    void knownRelativeLinksGainTheirVersion() {
        String page = "<link rel=\"stylesheet\" href=\"vendor/xterm.css\"><script src=\"app.js\" defer></script>";
        assertEquals("<link rel=\"stylesheet\" href=\"vendor/xterm.css?v=X2\"><script src=\"app.js?v=A1\" defer></script>",
                AssetLinks.versioned(page, link -> Optional.ofNullable(VERSIONS.get(link))));
    }

    @Test
    void otherLinksStayAsTheyWere() {
        String page = "<a href=\"./\">new</a><a href=\"terminals.html\">list</a><img src=\"/app.js\">"
                + "<a href=\"https://example.com/app.js\">x</a><form action=\"app.js\"><a href=\"app.js?x=1\">";
        assertEquals(page, AssetLinks.versioned(page, link -> Optional.ofNullable(VERSIONS.get(link))));
    }

    @Test
    void theHashIsOfTheBytesAndUrlSafe() {
        String one = AssetLinks.hash(ByteBuffer.wrap("console.log(1)".getBytes(StandardCharsets.UTF_8)));
        String two = AssetLinks.hash(ByteBuffer.wrap("console.log(2)".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(one, two);
        assertEquals(22, one.length()); // 128 bits in base64url without padding
        assertEquals(one, one.replaceAll("[^A-Za-z0-9_-]", ""));
        assertEquals(one, AssetLinks.hash(ByteBuffer.wrap("console.log(1)".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theLoginFormLinksTheSameVersionsAsThePage() {
        PageAssets assets = PageAssets.beside(PageAssets.class, "web");
        String form = AssetLinks.versionedBeside("<link href=\"login.css\"><link href=\"favicon.svg\"><link href=\"none.css\">",
                PageAssets.class, "web");
        assertEquals("<link href=\"login.css?v=" + assets.find("login.css").orElseThrow().version() + "\">"
                + "<link href=\"favicon.svg?v=" + assets.find("favicon.svg").orElseThrow().version() + "\">"
                + "<link href=\"none.css\">", form);
    }
}
