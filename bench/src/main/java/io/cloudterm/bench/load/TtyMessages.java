package io.cloudterm.bench.load;

import io.cloudterm.protocol.JsonFactories;
import jakarta.json.JsonObject;
import java.io.StringReader;

/**
 * TERMINAL_INFO parsed through the product's factories: {@code Json.create*} looks its provider up
 * with a ServiceLoader scan on every call, which cost each client a jar lookup per connection in
 * the timed opens.
 */
final class TtyMessages {

    private TtyMessages() {
    }

    /** TERMINAL_INFO's JSON, parsed. */
    static JsonObject terminalInfo(String json) {
        return JsonFactories.READERS.createReader(new StringReader(json)).readObject();
    }
}
