package io.cloudterm.files;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Serves {@link PageAssets} under a base path: the page at {@code <base>/}, each file at its path.
 * The HTTP it speaks is the little a page's files need: GET and HEAD (405 otherwise), the encoding
 * by {@code Accept-Encoding} with {@code Vary}, strong ETags answered by 304, and the
 * {@code Cache-Control} its {@link PageAsset#representation} chose. Paths it has no file for go on
 * to the next route. Ranges are not offered: a page's files are small and fetched whole.
 */
public final class PageAssetHandler implements HttpService {

    private static final String WELCOME = "index.html";
    /** Copies from the off-heap bytes to Helidon's stream in pieces of this size. */
    private static final int CHUNK = 16 * 1024;

    private final PageAssets assets;
    private final String basePath;

    /** {@code basePath} as the site's: empty, or a path without a trailing slash ({@code /term}). */
    public PageAssetHandler(PageAssets assets, String basePath) {
        this.assets = assets;
        this.basePath = basePath;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) throws IOException {
        Optional<PageAsset> found = assetOf(request.path().absolute().path());
        if (found.isEmpty()) {
            response.next();
            return;
        }
        Method method = request.prologue().method();
        if (!method.equals(Method.GET) && !method.equals(Method.HEAD)) {
            response.status(Status.METHOD_NOT_ALLOWED_405);
            response.header(HeaderNames.ALLOW, "GET, HEAD");
            response.send();
            return;
        }
        PageAsset asset = found.get();
        String coding = PageAssetEncodings.choose(joined(request, HeaderNames.ACCEPT_ENCODING), asset.encodings());
        Representation representation = asset.representation(coding, request.query().first("v").asOptional());

        response.header(HeaderNames.ETAG, representation.etag());
        response.header(HeaderNames.CACHE_CONTROL, representation.cacheControl());
        response.headers().lastModified(representation.lastModified());
        if (asset.encodings().size() > 1) {
            response.header(HeaderNames.VARY, "Accept-Encoding");
        }
        if (matches(joined(request, HeaderNames.IF_NONE_MATCH), representation.etag())) {
            response.status(Status.NOT_MODIFIED_304);
            response.send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, representation.contentType());
        representation.contentEncoding().ifPresent(encoding -> response.header(HeaderNames.CONTENT_ENCODING, encoding));
        response.headers().contentLength(representation.length());
        if (method.equals(Method.HEAD)) {
            response.send();
            return;
        }
        send(response, ((Body.MemoryBody) representation.body()).bytes());
    }

    private Optional<PageAsset> assetOf(String path) {
        if (!path.startsWith(basePath + "/")) {
            return Optional.empty();
        }
        String relative = path.substring(basePath.length() + 1);
        return assets.find(relative.isEmpty() || relative.endsWith("/") ? relative + WELCOME : relative);
    }

    private static void send(ServerResponse response, ByteBuffer bytes) throws IOException {
        ByteBuffer source = bytes.duplicate();
        byte[] chunk = new byte[Math.min(CHUNK, source.remaining())];
        try (OutputStream out = response.outputStream()) {
            while (source.hasRemaining()) {
                int n = Math.min(chunk.length, source.remaining());
                source.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    /** Every line of a header, as one list (HTTP allows a list to be split over several lines). */
    private static String joined(ServerRequest request, HeaderName name) {
        return request.headers().contains(name) ? String.join(",", request.headers().get(name).allValues()) : null;
    }

    /** If-None-Match's weak comparison (RFC 9110 §13.1.2): the tags match whatever their W/ prefix. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
