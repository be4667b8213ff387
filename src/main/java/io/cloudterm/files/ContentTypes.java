package io.cloudterm.files;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import java.net.URLConnection;
import java.util.Optional;

/**
 * The {@code Content-Type} of a file by its name, from Helidon's table of media types (the one its
 * own static content uses, kept up to date with it), then the JDK's ({@code .md}, for one), and
 * {@code application/octet-stream} for a name neither knows ({@code .log}, {@code .out}): a
 * browser then offers to save the file instead of guessing. Text is declared UTF-8, so a browser
 * does not guess the charset either.
 */
public final class ContentTypes {

    private static final String UNKNOWN = "application/octet-stream";

    private ContentTypes() {
    }

    public static String of(String fileName) {
        return MediaTypes.detectType(fileName)
                .or(() -> Optional.ofNullable(URLConnection.guessContentTypeFromName(fileName)).map(MediaTypes::create))
                .map(ContentTypes::withCharset)
                .orElse(UNKNOWN);
    }

    private static String withCharset(MediaType type) {
        String text = type.text();
        return textual(type) && !text.contains("charset=") ? text + "; charset=utf-8" : text;
    }

    private static boolean textual(MediaType type) {
        String subtype = type.subtype();
        return type.type().equals("text") || subtype.equals("javascript") || subtype.equals("json")
                || subtype.equals("xml") || type.hasSuffix("json") || type.hasSuffix("xml");
    }
}
