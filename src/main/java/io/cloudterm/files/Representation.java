package io.cloudterm.files;

import java.time.Instant;
import java.util.Optional;

/**
 * One representation of a resource, as a response describes it: the selected variant (for
 * example the gzip sibling of a script) with its own length and validator.
 *
 * @param length          bytes of this representation
 * @param etag            a strong entity tag, quoted ({@code "\"...\""})
 * @param lastModified    the modification time, second precision as HTTP dates have
 * @param contentType     the media type of the resource (of the decoded bytes when encoded)
 * @param contentEncoding the coding applied ({@code gzip}, {@code br}), empty for identity
 * @param cacheControl    the {@code Cache-Control} value to send
 * @param body            where the bytes are
 */
public record Representation(long length, String etag, Instant lastModified, String contentType,
                             Optional<String> contentEncoding, String cacheControl, Body body) {
}
