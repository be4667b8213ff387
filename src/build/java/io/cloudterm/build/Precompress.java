package io.cloudterm.build;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the {@code .gz} and {@code .br} siblings of the page's text assets in the build output,
 * run by the build after the resources are copied (in the JDK's source-file mode, so the jar
 * never carries it). The server serves them as they are to clients that accept them, from memory.
 *
 * <p>Only scripts, style sheets and SVG: HTML is left out because the server rewrites its links to
 * versioned URLs when it loads it, and compresses the result itself. A sibling is kept only where
 * it is smaller than the original. The output depends on the bytes alone: the gzip header's
 * modification time is 0 (the JDK writes no name and no time), and brotli at a fixed quality is
 * deterministic, so two builds of the same sources give the same files. A sibling newer than its
 * original is up to date and left alone (brotli's best quality takes a second on xterm.js).
 */
public final class Precompress {

    private static final Set<String> TEXT = Set.of("js", "css", "svg");

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Precompress DIRECTORY");
        }
        Path root = Path.of(args[0]);
        if (!Files.isDirectory(root)) {
            return;
        }
        boolean brotli = brotliAvailable();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(Precompress::isText).toList();
        }
        for (Path file : files) {
            sibling(file, ".gz", Precompress::gzip);
            if (brotli) {
                sibling(file, ".br", Precompress::brotli);
            }
        }
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && TEXT.contains(name.substring(dot + 1));
    }

    /** brotli4j carries a native encoder per platform; on one it has none for, the page is served without .br. */
    private static boolean brotliAvailable() {
        try {
            Brotli4jLoader.ensureAvailability();
            return true;
        } catch (Throwable e) {
            System.out.println("[precompress] no .br siblings: brotli4j has no native encoder here (" + e + ")");
            return false;
        }
    }

    private interface Compressor {
        byte[] compress(byte[] original) throws IOException;
    }

    private static void sibling(Path file, String suffix, Compressor compressor) throws IOException {
        Path sibling = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(sibling) && Files.getLastModifiedTime(sibling).compareTo(Files.getLastModifiedTime(file)) >= 0) {
            return;
        }
        byte[] original = Files.readAllBytes(file);
        byte[] compressed = compressor.compress(original);
        if (compressed.length < original.length) {
            Files.write(sibling, compressed);
        } else {
            Files.deleteIfExists(sibling);
        }
    }

    private static byte[] gzip(byte[] original) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length / 2 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(original);
        }
        return out.toByteArray();
    }

    private static byte[] brotli(byte[] original) throws IOException {
        return Encoder.compress(original, new Encoder.Parameters().setQuality(11).setMode(Encoder.Mode.TEXT));
    }
}
