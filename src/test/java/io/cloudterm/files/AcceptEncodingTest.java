package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {

    private static final List<String> BOTH = List.of("br", "gzip");

    @ParameterizedTest(name = "''{0}'' → {1}")
    @CsvSource(delimiter = '|', value = {
        "gzip, deflate, br, zstd         | br",
        "gzip, deflate                   | gzip",
        "x-gzip                          | gzip",
        "br;q=0.5, gzip;q=0.8            | gzip",
        "br;q=0, gzip                    | gzip",
        "br;q=0, gzip;q=0                | identity",
        "gzip;q=0.5, identity            | identity",
        "*                               | br",
        "*;q=0.3, br;q=0                 | gzip",
        "identity                        | identity",
        "deflate                         | identity",
        "''                              | identity",
        "gzip;q=2                        | identity",
        "gzip;q=0.0001                   | identity",
        "gzip;q=abc, br;q=0.1            | br",
        "GZIP;Q=1.000                    | gzip",
        "identity;q=0, *;q=0             | identity",
    })
    void theBestWeightedCodingTheServerHasWins(String header, String expected) {
        Optional<String> chosen = AcceptEncoding.parse(List.of(header)).choose(BOTH);
        assertEquals(expected, chosen.orElse("identity"));
    }

    @org.junit.jupiter.api.Test
    void withoutTheHeaderOnlyIdentity() {
        assertEquals(Optional.empty(), AcceptEncoding.parse(List.of()).choose(BOTH));
    }

    @org.junit.jupiter.api.Test
    void severalHeaderLinesAreOneList() {
        assertEquals(Optional.of("gzip"), AcceptEncoding.parse(List.of("br;q=0", "gzip")).choose(BOTH));
        assertEquals(Optional.of("gzip"), AcceptEncoding.parse(List.of("br, gzip")).choose(List.of("gzip")));
    }
}
