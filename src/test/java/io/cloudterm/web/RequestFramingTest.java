package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

/** Which headers frame a body one way only (RFC 9112 section 6). */
class RequestFramingTest {

    private static String fault(String... namesAndValues) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(HeaderNames.create(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return RequestFraming.fault(headers);
    }

    @Test
    void oneLengthOfDigitsFramesABody() {
        assertNull(fault("Content-Length", "25"));
        assertNull(fault("Content-Length", "0"));
        assertNull(fault());
    }

    @Test
    void aLengthWithASignOrNoDigitsIsRefused() {
        assertEquals("Content-Length is not one number", fault("Content-Length", "+25"));
        assertEquals("Content-Length is not one number", fault("Content-Length", "-1"));
        assertEquals("Content-Length is not one number", fault("Content-Length", "0x19"));
        assertEquals("Content-Length is not one number", fault("Content-Length", "1234567890123456789"));
    }

    @Test
    void twoLengthsAreRefusedEvenIfEqual() {
        assertEquals("Content-Length is not one number", fault("Content-Length", "5", "Content-Length", "5"));
        assertEquals("Content-Length is not one number", fault("Content-Length", "5, 5"));
    }

    @Test
    void aTransferEncodingNextToALengthIsRefused() {
        assertEquals("both Content-Length and Transfer-Encoding", fault("Content-Length", "5", "Transfer-Encoding", "chunked"));
    }

    @Test
    void codingsOtherThanChunkedAreUnknown() {
        assertEquals("unknown Transfer-Encoding", fault("Transfer-Encoding", "gzip"));
        assertEquals("unknown Transfer-Encoding", fault("Transfer-Encoding", "gzip, chunked"));
        assertEquals("unknown Transfer-Encoding", fault("Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked"));
    }

    @Test
    void chunkedAloneAsksForALength() {
        assertEquals("chunked request bodies are not accepted: send a Content-Length", fault("Transfer-Encoding", "chunked"));
        assertEquals("chunked request bodies are not accepted: send a Content-Length", fault("Transfer-Encoding", "Chunked"));
    }
}
