package io.cloudterm.files;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One file of the page, held in memory with its encodings.
 *
 * @param path         its path under the page's root ({@code vendor/xterm.js})
 * @param contentType  its media type, with {@code charset=utf-8} for text
 * @param lastModified when it was built, to the second
 * @param version      the content hash of its identity bytes: the {@code v} of its versioned URL
 * @param html         whether it is a page (always revalidated) rather than an asset a page links
 * @param variants     its bytes by coding: {@code identity} always, {@code gzip} and {@code br} where smaller
 */
public record PageAsset(String path, String contentType, Instant lastModified, String version, boolean html,
                        Map<String, Variant> variants) {

    public static final String IDENTITY = "identity";
    public static final String GZIP = "gzip";
    public static final String BROTLI = "br";

    /** A year: the longest lifetime HTTP caches are asked to honour (RFC 9111 §5.2.2.1, in practice). */
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";
    public static final String REVALIDATE = "no-cache";

    /** The codings offered, smallest bytes first: the order that breaks ties between equal q-values. */
    private static final List<String> CODINGS = List.of(BROTLI, GZIP);

    /** The bytes of one coding, read-only and off the heap, and their strong ETag (quoted). */
    public record Variant(ByteBuffer bytes, String etag) {
    }

    public PageAsset {
        variants = Map.copyOf(variants);
        if (!variants.containsKey(IDENTITY)) {
            throw new IllegalArgumentException(path + " has no identity bytes");
        }
    }

    /** The codings this asset has, identity among them. */
    public Set<String> encodings() {
        return variants.keySet();
    }

    /**
     * The asset as the {@link Responder} serves it, for a request that named {@code requestedVersion}:
     * a request whose {@code v} is this content's version may be kept for a year; anything else (no
     * version, an old one, a page) is revalidated each time, cheaply, by its ETag.
     */
    public Resource resource(Optional<String> requestedVersion) {
        boolean immutable = !html && requestedVersion.filter(version::equals).isPresent();
        String cacheControl = immutable ? IMMUTABLE : REVALIDATE;
        Map<String, Representation> encoded = new LinkedHashMap<>();
        for (String coding : CODINGS) {
            Variant variant = variants.get(coding);
            if (variant != null) {
                encoded.put(coding, representation(variant, Optional.of(coding), cacheControl));
            }
        }
        return new Resource(representation(variants.get(IDENTITY), Optional.empty(), cacheControl), encoded);
    }

    private Representation representation(Variant variant, Optional<String> coding, String cacheControl) {
        // The sender reads a duplicate: this buffer's position is shared by every response.
        return new Representation(variant.bytes().remaining(), variant.etag(), lastModified, contentType, coding,
                cacheControl, new Body.MemoryBody(variant.bytes()));
    }
}
