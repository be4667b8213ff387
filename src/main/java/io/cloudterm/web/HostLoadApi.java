package io.cloudterm.web;

import io.cloudterm.protocol.JsonFactories;
import io.cloudterm.terminal.Terminals;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaTypes;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET <base>/api/load} on a host behind a gateway: {@code {"terminals": N}}, the terminals
 * running on this server, which gateways read for least-loaded placement. It is this server's
 * own count, not the process's metrics: those add up every CloudTerm server of the process (an
 * application may run more than one). Only a gateway-signed caller gets here: a host has no
 * other way in.
 */
final class HostLoadApi implements HttpService {

    private final Terminals terminals;

    HostLoadApi(Terminals terminals) {
        this.terminals = terminals;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/load", this::load);
    }

    private void load(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(JsonFactories.BUILDERS.createObjectBuilder().add("terminals", terminals.live().size()).build().toString());
    }
}
