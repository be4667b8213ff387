package io.cloudterm.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which names an upload may have. */
class UploadNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/etc", "a\u0000b", "a\nb", "\u001b[2J", "a\u007fb", "a\u0085b",
            "gpj.\u202eexe", "a\u2028b"})
    void refused(String name) {
        assertThrows(UploadName.Refused.class, () -> UploadName.of(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"report.pdf", ".bashrc", "...", "café menu.txt", "a\\b", "-rf", "日本語.txt"})
    void accepted(String name) throws Exception {
        assertEquals(name, UploadName.of(name).value());
    }

    @org.junit.jupiter.api.Test
    void atMost255BytesOfUtf8() throws Exception {
        assertEquals(255, UploadName.of("é".repeat(127) + "x").value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThrows(UploadName.Refused.class, () -> UploadName.of("é".repeat(128)));
    }
}
