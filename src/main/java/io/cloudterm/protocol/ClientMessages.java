package io.cloudterm.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes client messages: one command byte and its payload (see PROTOCOL.md). Every malformed
 * message becomes a {@link ProtocolException} carrying the close code and a reason a person can read.
 */
public final class ClientMessages {

    public static final byte INPUT = '0';
    public static final byte RESIZE_TERMINAL = '1';
    public static final byte PAUSE = '2';
    public static final byte RESUME = '3';
    public static final byte JSON_DATA = '{';

    private static final ClientMessage.Pause PAUSE_MESSAGE = new ClientMessage.Pause();
    private static final ClientMessage.Resume RESUME_MESSAGE = new ClientMessage.Resume();

    private ClientMessages() {
    }

    /**
     * Decodes one complete message.
     *
     * @param message the whole message (all fragments joined)
     * @param handshakeDone whether JSON_DATA was already received: before it, only JSON_DATA is
     *                      allowed; after it, JSON_DATA is not
     */
    public static ClientMessage decode(byte[] message, boolean handshakeDone) throws ProtocolException {
        if (message.length == 0) {
            throw new ProtocolException(CloseCodes.PROTOCOL_VIOLATION, "empty message");
        }
        byte command = message[0];
        if (!handshakeDone) {
            if (command != JSON_DATA) {
                throw new ProtocolException(CloseCodes.PROTOCOL_VIOLATION, "the first message must be JSON_DATA");
            }
            JsonObject json = parseObject(message, 0);
            return new ClientMessage.Handshake(optionalString(json, "AuthToken"), sizeOf(json), optionalString(json, "share"));
        }
        return switch (command) {
            case INPUT -> new ClientMessage.Input(Arrays.copyOfRange(message, 1, message.length));
            case RESIZE_TERMINAL -> new ClientMessage.Resize(sizeOf(parseObject(message, 1)));
            case PAUSE -> PAUSE_MESSAGE;
            case RESUME -> RESUME_MESSAGE;
            case JSON_DATA -> throw new ProtocolException(CloseCodes.PROTOCOL_VIOLATION, "JSON_DATA sent twice");
            default -> throw new ProtocolException(CloseCodes.UNKNOWN_COMMAND,
                    "unknown command byte 0x" + Integer.toHexString(command & 0xff));
        };
    }

    private static JsonObject parseObject(byte[] message, int offset) throws ProtocolException {
        String text;
        try {
            // Strict decoding: invalid UTF-8 is an error, not silently replaced characters.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message, offset, message.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(CloseCodes.BAD_JSON, "JSON is not valid UTF-8");
        }
        JsonLimits.check(text);
        try (JsonReader reader = JsonFactories.READERS.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ProtocolException(CloseCodes.BAD_JSON, "expected a JSON object");
            }
            return value.asJsonObject();
        } catch (RuntimeException e) {
            // JsonException for bad syntax; the parser's own limits and number parsing throw other
            // unchecked exceptions. All mean the client sent bad JSON, whose text is no use in a reason.
            throw new ProtocolException(CloseCodes.BAD_JSON, "malformed JSON");
        }
    }

    private static TerminalSize sizeOf(JsonObject json) throws ProtocolException {
        return TerminalSize.clamped(dimension(json, "columns"), dimension(json, "rows"));
    }

    private static long dimension(JsonObject json, String name) throws ProtocolException {
        JsonValue value = json.get(name);
        if (value == null) {
            throw new ProtocolException(CloseCodes.BAD_JSON, "'" + name + "' is missing");
        }
        if (!(value instanceof JsonNumber number)) {
            throw new ProtocolException(CloseCodes.BAD_JSON, "'" + name + "' must be a number");
        }
        // A huge or fractional value is clamped, not rejected: ttyd clients send what the screen has.
        double d;
        try {
            d = number.doubleValue();
        } catch (RuntimeException e) {
            // A short number can still be out of BigDecimal's reach (an exponent beyond an int).
            throw new ProtocolException(CloseCodes.BAD_JSON, "'" + name + "' is not a number that can be read");
        }
        if (Double.isNaN(d)) {
            throw new ProtocolException(CloseCodes.BAD_JSON, "'" + name + "' must be a number");
        }
        return d >= Long.MAX_VALUE ? Long.MAX_VALUE : d <= Long.MIN_VALUE ? Long.MIN_VALUE : (long) d;
    }

    private static String optionalString(JsonObject json, String name) throws ProtocolException {
        JsonValue value = json.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return "";
        }
        if (!(value instanceof JsonString string)) {
            throw new ProtocolException(CloseCodes.BAD_JSON, "'" + name + "' must be a string");
        }
        return string.getString();
    }
}
