package io.cloudterm.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The {@code cloudterm-download FILE...} command the terminals get: a POSIX sh script, written
 * at start into a directory of its own that only the server's user can enter (mode 0700; the
 * terminals run as that user), which the terminals' {@code PATH} gets at its end, so that it
 * never hides a command of the same name the user has. It prints, for each readable regular file,
 * CloudTerm's own escape sequence {@code OSC 7681 ; download ; <absolute path in hex> BEL}
 * (see PROTOCOL.md); the page asks the person before saving anything.
 */
public final class DownloadCommand implements AutoCloseable {

    public static final String NAME = "cloudterm-download";
    /** The private OSC number: unused by xterm, iTerm2, kitty, VS Code and the rest we know of (7681: the default port). */
    public static final int OSC = 7681;

    private static final String SCRIPT = """
            #!/bin/sh
            # cloudterm-download FILE...: offers each FILE to the CloudTerm page showing this terminal,
            # which asks before saving it. Written by the CloudTerm server; the page ignores this
            # sequence when file transfer is off.
            if [ "$#" -eq 0 ]; then
              echo "usage: cloudterm-download FILE..." >&2
              exit 2
            fi
            status=0
            for file in "$@"; do
              case $file in
                /*) path=$file ;;
                *) path=$(pwd)/$file ;;
              esac
              if [ -d "$path" ]; then
                echo "cloudterm-download: $file is a directory: only files can be downloaded (pack it first, e.g. tar czf dir.tgz dir)" >&2
                status=1
              elif [ ! -e "$path" ]; then
                echo "cloudterm-download: $file: no such file" >&2
                status=1
              elif [ ! -f "$path" ]; then
                echo "cloudterm-download: $file is not a regular file" >&2
                status=1
              elif [ ! -r "$path" ]; then
                echo "cloudterm-download: $file cannot be read" >&2
                status=1
              else
                # The path in hex: any byte a file name may hold (ESC, BEL, ;) travels safely.
                hex=$(printf '%s' "$path" | od -An -v -tx1 | tr -d ' \\n')
                printf '\\033]%OSC%;download;%s\\007' "$hex"
              fi
            done
            exit "$status"
            """.replace("%OSC%", Integer.toString(OSC));

    private final Path directory;

    private DownloadCommand(Path directory) {
        this.directory = directory;
    }

    /** Writes the command into a new private directory; {@link #close()} removes it. */
    public static DownloadCommand install() {
        try {
            Path directory = Files.createTempDirectory("cloudterm-bin-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path script = directory.resolve(NAME);
            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("r-x------"));
            return new DownloadCommand(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + NAME + " command: " + e.getMessage(), e);
        }
    }

    /** The directory to append to the terminals' PATH. */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // Left in the temporary directory: harmless, and gone at the next reboot.
        }
    }
}
