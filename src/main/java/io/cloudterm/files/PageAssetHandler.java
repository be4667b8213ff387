package io.cloudterm.files;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * Serves {@link PageAssets} under a base path: the page at {@code <base>/}, each file at its path,
 * answered by the same {@link Responder} as the shared directory's files (methods, encodings,
 * validators, ranges), with the {@code Cache-Control} its {@link PageAsset#resource} chose by the
 * request's {@code v}. Paths it has no file for go on to the next route.
 */
public final class PageAssetHandler implements HttpService {

    private static final String WELCOME = "index.html";

    private final PageAssets assets;
    private final String basePath;
    private final Responder responder;

    /** {@code basePath} as the site's: empty, or a path without a trailing slash ({@code /term}). */
    public PageAssetHandler(PageAssets assets, String basePath, Responder responder) {
        this.assets = assets;
        this.basePath = basePath;
        this.responder = responder;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) {
        Optional<PageAsset> found = assetOf(request.path().absolute().path());
        if (found.isEmpty()) {
            response.next();
            return;
        }
        responder.respond(request, response, found.get().resource(request.query().first("v").asOptional()));
    }

    private Optional<PageAsset> assetOf(String path) {
        if (!path.startsWith(basePath + "/")) {
            return Optional.empty();
        }
        String relative = path.substring(basePath.length() + 1);
        return assets.find(relative.isEmpty() || relative.endsWith("/") ? relative + WELCOME : relative);
    }
}
