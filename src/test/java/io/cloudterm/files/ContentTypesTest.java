package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "README.md      | text/markdown; charset=utf-8",
        "build.log      | application/octet-stream",
        "notes.txt      | text/plain; charset=utf-8",
        "index.html     | text/html; charset=utf-8",
        "app.js         | text/javascript; charset=utf-8",
        "data.json      | application/json; charset=utf-8",
        "logo.png       | image/png",
        "release.tar.gz | application/gzip",
        "no-extension   | application/octet-stream",
        "odd.zzzzqq     | application/octet-stream",
    })
    void typeFromTheTableAndUtf8ForText(String name, String type) {
        assertEquals(type, ContentTypes.of(name));
    }
}
