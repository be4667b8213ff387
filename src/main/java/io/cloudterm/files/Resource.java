package io.cloudterm.files;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something served, as the representations it has: its identity bytes and, by content coding
 * ({@code br}, {@code gzip}), the same bytes stored encoded, in the server's order of preference.
 * A file and its precompressed siblings are one; so is a page asset compressed at build time.
 */
public record Resource(Representation identity, Map<String, Representation> encoded) {

    public Resource {
        encoded = Collections.unmodifiableMap(new LinkedHashMap<>(encoded));
    }

    /** A resource with no encoded variant. */
    public static Resource of(Representation identity) {
        return new Resource(identity, Map.of());
    }
}
