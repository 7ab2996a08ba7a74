package io.dynup.proxy;

import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;

/** The content handler of a proxied location: each request becomes a {@link ProxyRequest}. */
final class ProxyHandler implements ContentHandler {

    private final ProxyConfig config;

    ProxyHandler(ProxyConfig config) {
        this.config = config;
    }

    @Override
    public void handle(HttpExchange exchange) {
        new ProxyRequest(exchange, config).start();
    }

    @Override
    public String toString() {
        return "proxy_pass http://" + config.upstream().name() + (config.uri() != null ? config.uri() : "");
    }
}
