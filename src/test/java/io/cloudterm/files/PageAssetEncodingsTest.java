package io.cloudterm.files;

import static io.cloudterm.files.PageAssetEncodings.BROTLI;
import static io.cloudterm.files.PageAssetEncodings.GZIP;
import static io.cloudterm.files.PageAssetEncodings.IDENTITY;
import static io.cloudterm.files.PageAssetEncodings.choose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PageAssetEncodingsTest {

    private static final Set<String> ALL = Set.of(IDENTITY, GZIP, BROTLI);
    private static final Set<String> GZIP_ONLY = Set.of(IDENTITY, GZIP);

    @Test
    void noHeaderGetsTheBytesAsTheyAre() {
        assertEquals(IDENTITY, choose(null, ALL));
        assertEquals(IDENTITY, choose("", ALL));
    }

    @Test
    void aBrowserGetsBrotliWhereThereIsOneAndGzipElse() {
        assertEquals(BROTLI, choose("gzip, deflate, br, zstd", ALL));
        assertEquals(GZIP, choose("gzip, deflate, br, zstd", GZIP_ONLY));
        assertEquals(IDENTITY, choose("gzip, deflate, br", Set.of(IDENTITY)));
    }

    @Test
    void higherQualityWinsOverSmallerBytes() {
        assertEquals(GZIP, choose("br;q=0.5, gzip", ALL));
        assertEquals(GZIP, choose("br;q=0.5, gzip;q=0.8", ALL));
        assertEquals(IDENTITY, choose("gzip;q=0.5, identity", ALL));
    }

    @Test
    void identityNotNamedIsAcceptableButLastChoice() {
        assertEquals(GZIP, choose("gzip;q=0.5", ALL));
        assertEquals(IDENTITY, choose("deflate", ALL));
    }

    @Test
    void aRefusedCodingIsNeverChosen() {
        assertEquals(GZIP, choose("br;q=0, gzip", ALL));
        assertEquals(IDENTITY, choose("br;q=0, gzip;q=0", ALL));
        assertEquals(IDENTITY, choose("gzip;q=bogus", GZIP_ONLY));
    }

    @Test
    void theWildcardCoversWhatIsNotNamed() {
        assertEquals(BROTLI, choose("*", ALL));
        assertEquals(GZIP, choose("br;q=0, *;q=0.5", ALL));
        // identity refused by the wildcard: a coding the client named is preferred to it...
        assertEquals(GZIP, choose("gzip;q=0.1, *;q=0", GZIP_ONLY));
        // ...and with nothing acceptable, the identity bytes all the same.
        assertEquals(IDENTITY, choose("*;q=0", ALL));
    }

    @Test
    void namesAreCaseInsensitiveAndXGzipIsGzip() {
        assertEquals(GZIP, choose("GZIP", GZIP_ONLY));
        assertEquals(GZIP, choose("x-gzip", GZIP_ONLY));
        assertEquals(BROTLI, choose(" Br ; Q=1.0 ", ALL));
    }
}
