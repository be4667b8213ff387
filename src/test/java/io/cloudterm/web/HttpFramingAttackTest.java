package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request whose body could be read two ways (by us and by a proxy in front of us) is refused
 * and its connection closed, at once; HTTP/1.0 and Connection: close get what HTTP promises.
 * In both pty modes, since native mode puts its own HTTP/1 selector in front of Helidon's.
 */
@Tag("security")
class HttpFramingAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Sends {@code request} on a new connection and returns all the server says before it closes. */
    private static String answerTo(String nativeMode, String request) throws Exception {
        try (LogRecords log = LogRecords.capture();
             TestServer server = TestServer.start("--native", nativeMode, "--", "sh");
             RawConnection client = RawConnection.connect(server.server().port())) {
            String answer = client.send(request).readUntilClosed(WAIT);
            assertEquals(List.of(), log.traces(), "no stack trace for a bad request");
            return answer;
        }
    }

    private static String post(String framing, String body) {
        return "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + framing + "\r\n" + body;
    }

    private static void assertStatus(int status, String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void contentLengthWithTransferEncodingIsRefusedAndClosed(String nativeMode) throws Exception {
        // The smuggling shape: a proxy that frames by Content-Length passes "GET /smuggled" on as a second request.
        String answer = answerTo(nativeMode, post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
                "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        assertStatus(400, answer);
        assertEquals(-1, answer.indexOf("HTTP/1.1", 10), "one answer only: " + answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void aSignedContentLengthIsRefused(String nativeMode) throws Exception {
        assertStatus(400, answerTo(nativeMode, post("Content-Length: +5\r\n", "token")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void aNegativeContentLengthIsRefusedAtOnce(String nativeMode) throws Exception {
        assertStatus(400, answerTo(nativeMode, post("Content-Length: -5\r\n", "token")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void twoContentLengthsAreRefused(String nativeMode) throws Exception {
        assertStatus(400, answerTo(nativeMode, post("Content-Length: 5\r\nContent-Length: 6\r\n", "token=")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void anUnknownTransferEncodingIsRefused(String nativeMode) throws Exception {
        assertStatus(400, answerTo(nativeMode, post("Transfer-Encoding: gzip\r\n", "token")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void aChunkedBodyIsRefusedBeforeAnyChunkIsRead(String nativeMode) throws Exception {
        // A chunk size that is no number used to leave the request unanswered until the client gave up.
        assertStatus(411, answerTo(nativeMode, post("Transfer-Encoding: chunked\r\n", "zz\r\ntoken\r\n0\r\n\r\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void anHttp10RequestGetsAnAnswer(String nativeMode) throws Exception {
        // It used to be closed without a byte.
        assertStatus(505, answerTo(nativeMode, "GET / HTTP/1.0\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GARBAGE\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\nX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: \u0001\r\n\r\n",
    })
    void aMalformedRequestIsAnswered400WithoutAStackTrace(String request) throws Exception {
        // Garbage used to be closed without a byte.
        assertStatus(400, answerTo("on", request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void connectionCloseClosesAfterTheResponse(String nativeMode) throws Exception {
        String answer = answerTo(nativeMode, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertStatus(200, answer);
        assertTrue(answer.contains("</html>"), "the whole page, then the close: " + answer);
    }
}
