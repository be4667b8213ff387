package io.cloudterm.example;

import io.cloudterm.feature.CloudTermFeature;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

/**
 * A Helidon SE application with CloudTerm inside: its own route {@code /hello}, and a terminal in
 * the browser at {@code /term/} on the same port. Run with the JVM flags of README's "Inside a
 * Helidon application".
 */
public final class TerminalApp {

    private TerminalApp() {
    }

    public static void main(String[] args) {
        WebServer server = fromYaml(Config.create());
        System.out.println("http://localhost:" + server.port() + "/hello and http://localhost:" + server.port() + "/term/");
    }

    /**
     * With no CloudTerm code at all: {@code server.features.cloudterm} in {@code application.yaml}
     * is enough, the dependency's feature provider reads it.
     */
    public static WebServer fromYaml(Config config) {
        return WebServer.builder()
                .config(config.get("server"))
                .routing(TerminalApp::routes)
                .build()
                .start();
    }

    /** The same in code, for an application that builds its server by hand. */
    public static WebServer inCode(int port, String userColonPassword) {
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(TerminalApp::routes)
                .addFeature(CloudTermFeature.builder()
                        .path("/term")
                        .command("bash", "-l")
                        .credential(userColonPassword)
                        .build())
                .build()
                .start();
    }

    /** The application's own routes, which CloudTerm leaves alone. */
    static void routes(HttpRouting.Builder routing) {
        routing.get("/hello", (request, response) -> response.send("hello from the application"));
    }
}
