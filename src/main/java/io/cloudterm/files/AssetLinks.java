package io.cloudterm.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Content hashes of the page's assets and the versioned links built from them: a page's
 * {@code href="app.js"} becomes {@code href="app.js?v=HASH"}, so a browser may keep that URL's
 * bytes for a year (new bytes, new hash, new URL) and the page itself is all it revalidates.
 *
 * <p>The version rides in the query rather than in the name ({@code app.HASH.js}): every link
 * stays a relative path to a file that exists under its own name, so the page works under any
 * base path, a request without the version (a bookmark, a tool, an old page) still finds the file,
 * and nothing maps hashed names back to files.
 */
public final class AssetLinks {

    /** Bytes of SHA-256 kept: 128 bits, far beyond any chance of two versions of a file colliding. */
    private static final int HASH_BYTES = 16;
    /** A relative link in a src or href attribute: no scheme, no leading slash, no query or fragment. */
    private static final Pattern LINK = Pattern.compile("((?:href|src)=\")([A-Za-z0-9_][A-Za-z0-9_./-]*)(\")");

    private AssetLinks() {
    }

    /** The content hash of {@code bytes} (position to limit): SHA-256, truncated, base64url. */
    public static String hash(ByteBuffer bytes) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(bytes.duplicate());
            byte[] digest = sha256.digest();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, HASH_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * {@code html} with each relative link that {@code versionOf} knows (given the link as written)
     * followed by {@code ?v=} and its version; other links as they were.
     */
    public static String versioned(String html, Function<String, Optional<String>> versionOf) {
        Matcher m = LINK.matcher(html);
        StringBuilder out = new StringBuilder(html.length() + 256);
        while (m.find()) {
            String link = m.group(2);
            String replacement = versionOf.apply(link).map(version -> link + "?v=" + version).orElse(link);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + replacement + m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code html}'s links versioned by the files they name under folder {@code root} beside
     * {@code anchor}'s class (as {@link PageAssets#beside} serves them): for a page rendered
     * elsewhere, such as the login form.
     */
    public static String versionedBeside(String html, Class<?> anchor, String root) {
        String folder = PageAssets.folderBeside(anchor, root).toString();
        return versioned(html, link -> {
            if (link.contains("..")) {
                return Optional.empty();
            }
            try (InputStream in = URI.create(folder + "/" + link).toURL().openStream()) {
                return Optional.of(hash(ByteBuffer.wrap(in.readAllBytes())));
            } catch (FileNotFoundException | NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
