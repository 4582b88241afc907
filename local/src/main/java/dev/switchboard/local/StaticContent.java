package dev.switchboard.local;

import java.util.Optional;

/** Files the gateway serves over plain HTTP GET (the demo page); none by default. */
@FunctionalInterface
public interface StaticContent {

    /** A file's bytes and content type. */
    record File(byte[] bytes, String contentType) {
    }

    Optional<File> find(String path);

    static StaticContent none() {
        return path -> Optional.empty();
    }
}
