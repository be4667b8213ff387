package io.cloudterm.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The HTML page listing a directory of a {@link FileRoot}: its entries sorted by name
 * (directories first), each with its size and modification time, linked by its percent-encoded
 * name. Only what a request could fetch is listed: no hidden names, no links leading out of the
 * root, no pipes or devices, no names the request path would refuse. Every name is HTML-escaped:
 * a file may be named {@code <script>}.
 */
public final class DirectoryListing {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final FileRoot root;
    private final boolean dotfiles;

    public DirectoryListing(FileRoot root, boolean dotfiles) {
        this.root = root;
        this.dotfiles = dotfiles;
    }

    private record Entry(String name, boolean directory, long size, Instant modified) {
    }

    /**
     * The listing of {@code directory} (found in the root), titled with {@code shownPath} (the
     * request's path), as a resource: its entity tag is a hash of the page, so a client revalidates
     * it cheaply and sees any change to an entry.
     */
    public Resource of(FileRoot.Found directory, String shownPath, boolean atTop) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory.path())) {
            for (Path entry : stream) {
                String name = entry.getFileName().toString();
                if (!(RequestPath.parse(PercentEncoding.encode(name), dotfiles) instanceof RequestPath.Names)) {
                    continue;
                }
                Optional<FileRoot.Found> found = root.inside(entry);
                found.ifPresent(f -> entries.add(new Entry(name, f.attributes().isDirectory(), f.attributes().size(),
                        f.attributes().lastModifiedTime().toInstant())));
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name));
        byte[] page = page(entries, shownPath, atTop).getBytes(StandardCharsets.UTF_8);
        return Resource.of(new Representation(page.length, etag(page), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                "text/html; charset=utf-8", Optional.empty(), "no-cache", new Body.MemoryBody(ByteBuffer.wrap(page))));
    }

    private static String page(List<Entry> entries, String shownPath, boolean atTop) {
        String title = "Index of " + HtmlText.escape(shownPath);
        StringBuilder html = new StringBuilder(512 + entries.size() * 160)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title).append("</title>")
                .append("<style>td{padding:0 1.5em 0 0}td.size{text-align:right}</style></head>\n<body><h1>")
                .append(title).append("</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Modified</th></tr>\n");
        if (!atTop) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        }
        for (Entry entry : entries) {
            String link = PercentEncoding.encode(entry.name()) + (entry.directory() ? "/" : "");
            String shown = HtmlText.escape(entry.name()) + (entry.directory() ? "/" : "");
            html.append("<tr><td><a href=\"").append(HtmlText.escape(link)).append("\">").append(shown).append("</a></td><td class=\"size\">")
                    .append(entry.directory() ? "-" : Long.toString(entry.size())).append("</td><td>")
                    .append(WHEN.format(entry.modified())).append("</td></tr>\n");
        }
        return html.append("</table>\n</body></html>\n").toString();
    }

    private static String etag(byte[] page) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(page);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
