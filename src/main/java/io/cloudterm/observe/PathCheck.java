package io.cloudterm.observe;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/** A file the server needs at run time is still usable: the recording directory, the users file. */
final class PathCheck implements HealthCheck {

    private final String name;
    private final Path path;
    private final Predicate<Path> usable;
    private final String wanted;

    private PathCheck(String name, Path path, Predicate<Path> usable, String wanted) {
        this.name = name;
        this.path = path;
        this.usable = usable;
        this.wanted = wanted;
    }

    /** --record's directory: a new terminal's recording can be created in it. */
    static PathCheck recordingDirectory(Path directory) {
        return new PathCheck("recording-directory", directory, p -> Files.isDirectory(p) && Files.isWritable(p),
                "a writable directory");
    }

    /** --users's file: accounts can be read from it (it is read again when it changes). */
    static PathCheck usersFile(Path file) {
        return new PathCheck("users-file", file, p -> Files.isRegularFile(p) && Files.isReadable(p), "a readable file");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = usable.test(path);
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(up).detail("path", path.toString());
        return up ? response.build() : response.detail("error", "not " + wanted).build();
    }
}
