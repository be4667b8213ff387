package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangesTest {

    private static final ByteRanges.Answer WHOLE = new ByteRanges.Whole();
    private static final ByteRanges.Answer NONE = new ByteRanges.Unsatisfiable();

    @ParameterizedTest(name = "{0} of {1} bytes: {2}-{3}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-0          | 100 | 0  | 0",
        "bytes=5-24         | 100 | 5  | 24",
        "bytes=100-119      | 200 | 100| 119",
        "bytes=90-          | 100 | 90 | 99",
        "bytes=90-1000      | 100 | 90 | 99",
        "bytes=-10          | 100 | 90 | 99",
        "bytes=-1000        | 100 | 0  | 99",
        "BYTES = 1-2        | 100 | 1  | 2",
        "bytes=0-99999999999999999999999 | 100 | 0 | 99",
    })
    void oneRangeIsThatPart(String header, long length, long first, long last) {
        assertEquals(new ByteRanges.Part(first, last), ByteRanges.answer(Optional.of(header), length));
    }

    @ParameterizedTest(name = "{0} of {1} bytes")
    @CsvSource(delimiter = '|', value = {
        "bytes=100-        | 100",
        "bytes=100-200     | 100",
        "bytes=-0          | 100",
        "bytes=0-          | 0",
        "bytes=-5          | 0",
        "bytes=99999999999999999999999- | 100",
    })
    void aRangeBeyondTheEndIsUnsatisfiable(String header, long length) {
        assertEquals(NONE, ByteRanges.answer(Optional.of(header), length));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-1,5-6",
        "bytes=0-1,200-300",
        "bytes=5-1",
        "bytes=a-b",
        "bytes=1",
        "bytes=--5",
        "bytes=+1-2",
        "items=0-1",
        "0-1",
        "bytes=",
        "bytes=1-2-3",
        "bytes=\u0661-\u0662",
    })
    void severalRangesOrNoValidOneGetTheWhole(String header) {
        assertEquals(WHOLE, ByteRanges.answer(Optional.of(header), 100));
        assertEquals(WHOLE, ByteRanges.answer(Optional.empty(), 100));
    }
}
