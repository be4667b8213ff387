package io.cloudterm.bench.load;

import io.cloudterm.protocol.JsonFactories;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * The JSON both clients exchange with the server: the JSON_DATA they send, made once as a page
 * makes it once, and TERMINAL_INFO parsed through the product's factories. {@code Json.create*}
 * looks its provider up with a ServiceLoader scan on every call, which cost each client a jar
 * lookup per connection in the timed opens.
 */
final class TtyMessages {

    private static final String JSON_DATA = JsonFactories.BUILDERS.createObjectBuilder()
            .add("AuthToken", "").add("columns", 80).add("rows", 24).build().toString();

    private TtyMessages() {
    }

    /** JSON_DATA at 80x24 with an empty AuthToken (the server runs with --no-auth); a fresh array each call. */
    static byte[] jsonData() {
        return JSON_DATA.getBytes(StandardCharsets.UTF_8);
    }

    /** TERMINAL_INFO's payload, parsed. */
    static JsonObject terminalInfo(String payload) {
        return JsonFactories.READERS.createReader(new StringReader(payload)).readObject();
    }
}
