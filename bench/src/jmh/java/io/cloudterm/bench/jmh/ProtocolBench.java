package io.cloudterm.bench.jmh;

import io.cloudterm.protocol.ClientMessage;
import io.cloudterm.protocol.ClientMessages;
import io.cloudterm.protocol.ProtocolException;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.protocol.TerminalSize;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The WebSocket protocol's codec: {@link ClientMessages#decode} of INPUT (1 byte, 1 KiB), RESIZE
 * and the JSON_DATA handshake, and {@link ServerMessages} encoding OUTPUT from a 16 KiB pooled
 * (direct) buffer and from four 4 KiB ones (a joined batch), and a title.
 *
 * <p>References, in the same run: {@code ref_copyOfRange1KiB} (the one copy INPUT needs),
 * {@code ref_resizeCachedReaderFactory} (the same strict UTF-8 decode and JSON parse as RESIZE,
 * but through a {@link JsonReaderFactory} made once instead of {@code Json.createReader}, which
 * looks the JSON provider up on every call), and {@code ref_copy16KiB} (one buffer-to-array copy
 * into a fresh array, the floor of an OUTPUT message).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolBench {

    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private byte[] input1;
    private byte[] input1KiB;
    private byte[] resize;
    private byte[] handshake;
    private ByteBuffer output16KiB;
    private List<ByteBuffer> output16KiBList;
    private List<ByteBuffer> output4x4KiB;

    @Setup
    public void setUp() {
        input1 = new byte[] {ClientMessages.INPUT, 'a'};
        input1KiB = new byte[1 + 1024];
        input1KiB[0] = ClientMessages.INPUT;
        Arrays.fill(input1KiB, 1, input1KiB.length, (byte) 'x');
        resize = utf8((char) ClientMessages.RESIZE_TERMINAL + "{\"columns\":120,\"rows\":40}");
        // An AuthToken as /token issues them: 43 characters of URL-safe base64.
        handshake = utf8("{\"AuthToken\":\"" + "A".repeat(43) + "\",\"columns\":120,\"rows\":40}");
        output16KiB = filledDirect(16 * 1024);
        output16KiBList = List.of(output16KiB);
        output4x4KiB = List.of(filledDirect(4096), filledDirect(4096), filledDirect(4096), filledDirect(4096));
    }

    @Benchmark
    public ClientMessage decodeInput1B() throws ProtocolException {
        return ClientMessages.decode(input1, true);
    }

    @Benchmark
    public ClientMessage decodeInput1KiB() throws ProtocolException {
        return ClientMessages.decode(input1KiB, true);
    }

    @Benchmark
    public ClientMessage decodeResize() throws ProtocolException {
        return ClientMessages.decode(resize, true);
    }

    @Benchmark
    public ClientMessage decodeHandshake() throws ProtocolException {
        return ClientMessages.decode(handshake, false);
    }

    @Benchmark
    public byte[] encodeOutput16KiB() {
        return ServerMessages.output(output16KiBList);
    }

    @Benchmark
    public byte[] encodeOutput4x4KiB() {
        return ServerMessages.output(output4x4KiB);
    }

    @Benchmark
    public byte[] encodeTitle() {
        return ServerMessages.title("bash (cloudterm-host)");
    }

    /** Reference for INPUT: the copy of the payload out of the message, nothing else. */
    @Benchmark
    public byte[] ref_copyOfRange1KiB() {
        return Arrays.copyOfRange(input1KiB, 1, input1KiB.length);
    }

    /** Reference for RESIZE: the same decoding with a reader factory made once. */
    @Benchmark
    public TerminalSize ref_resizeCachedReaderFactory() throws Exception {
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(resize, 1, resize.length - 1))
                .toString();
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            JsonObject json = reader.readValue().asJsonObject();
            return TerminalSize.clamped((long) json.getJsonNumber("columns").doubleValue(),
                    (long) json.getJsonNumber("rows").doubleValue());
        }
    }

    /** Reference for OUTPUT: one copy of the 16 KiB buffer into a new array, no command byte. */
    @Benchmark
    public byte[] ref_copy16KiB() {
        byte[] copy = new byte[output16KiB.remaining()];
        output16KiB.get(output16KiB.position(), copy);
        return copy;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer filledDirect(int size) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(size);
        while (buffer.hasRemaining()) {
            buffer.put((byte) ('a' + buffer.position() % 26));
        }
        return buffer.flip();
    }
}
