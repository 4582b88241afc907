package dev.switchboard.functions.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * A minimal {@code @connections} endpoint for benchmarks, in its own JVM so it does not share the measured
 * JVM's warm-up: answers every POST with 200 after an optional delay that stands in for the network round trip
 * to API Gateway. Arguments: {@code port [delayMillis]}. Prints its endpoint, then serves until killed.
 */
public final class FakeConnectionsServer {

    private FakeConnectionsServer() {
    }

    public static void main(String[] args) throws IOException {
        long delayMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.createContext("/bench/@connections/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("http://127.0.0.1:" + server.getAddress().getPort() + "/bench");
    }
}
