package io.cloudterm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One Kubernetes object of a YAML file, read as plain maps and lists, as {@code kubectl} reads it
 * (YAML 1.1: {@code 0400} is octal). Examples left commented out in a file (a block of lines
 * starting with {@code # apiVersion:}) are read too, so that they cannot rot unseen.
 */
record Manifest(String source, Map<String, Object> body) {

    /** Every object of every {@code .yaml} file of {@code folder}, in file order. */
    static List<Manifest> readAll(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        List<Manifest> all = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            String name = file.getFileName().toString();
            all.addAll(parse(name, text));
            List<String> examples = commentedOut(text);
            for (int i = 0; i < examples.size(); i++) {
                all.addAll(parse(name + " (commented-out example " + (i + 1) + ")", examples.get(i)));
            }
        }
        return all;
    }

    static List<Manifest> parse(String source, String yaml) {
        List<Manifest> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (!(document instanceof Map<?, ?> map)) {
                throw new AssertionError(source + ": a document that is not a mapping: " + document);
            }
            documents.add(new Manifest(source, cast(map)));
        }
        return documents;
    }

    /** The YAML of each commented-out block that starts with a line {@code # apiVersion: ...}. */
    static List<String> commentedOut(String text) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : text.split("\n", -1)) {
            if (block == null && line.startsWith("# apiVersion:")) {
                block = new StringBuilder();
            }
            if (block != null) {
                if (line.startsWith("# ") || line.equals("#")) {
                    block.append(line.substring(Math.min(2, line.length()))).append('\n');
                    continue;
                }
                blocks.add(block.toString());
                block = null;
            }
        }
        if (block != null) {
            blocks.add(block.toString());
        }
        return blocks;
    }

    String kind() {
        return string(body, "kind");
    }

    String apiVersion() {
        return string(body, "apiVersion");
    }

    String name() {
        return string(body, "metadata", "name");
    }

    String namespace() {
        return string(body, "metadata", "namespace");
    }

    boolean is(String kind) {
        return kind.equals(kind());
    }

    /** {@code kind/name} and where it was read, for messages. */
    @Override
    public String toString() {
        return kind() + "/" + name() + " in " + source;
    }

    /** The pod template's spec of a workload (StatefulSet, Deployment). */
    Map<String, Object> podSpec() {
        return map(body, "spec", "template", "spec");
    }

    /** The labels its pods get. */
    Map<String, Object> podLabels() {
        return map(body, "spec", "template", "metadata", "labels");
    }

    /** Init containers, then containers. */
    List<Map<String, Object>> containers() {
        List<Map<String, Object>> all = new ArrayList<>(maps(podSpec(), "initContainers"));
        all.addAll(maps(podSpec(), "containers"));
        return all;
    }

    /** True if this Secret or ConfigMap has a file named {@code key}. */
    boolean holds(String key) {
        List<String> fields = is("Secret") ? List.of("data", "stringData") : is("ConfigMap") ? List.of("data", "binaryData") : List.of();
        return fields.stream().anyMatch(field -> map(body, field).containsKey(key));
    }

    boolean isWorkload() {
        return is("StatefulSet") || is("Deployment");
    }

    // Walking the maps: a missing key is null (or empty), never an exception, so checks read as checks.

    static Object at(Object node, String... path) {
        Object here = node;
        for (String key : path) {
            if (!(here instanceof Map<?, ?> map)) {
                return null;
            }
            here = map.get(key);
        }
        return here;
    }

    static String string(Object node, String... path) {
        Object value = at(node, path);
        return value == null ? null : value.toString();
    }

    static Map<String, Object> map(Object node, String... path) {
        return at(node, path) instanceof Map<?, ?> map ? cast(map) : Map.of();
    }

    static List<Map<String, Object>> maps(Object node, String... path) {
        if (!(at(node, path) instanceof List<?> list)) {
            return List.of();
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : list) {
            maps.add(item instanceof Map<?, ?> map ? cast(map) : Map.of());
        }
        return maps;
    }

    static List<String> strings(Object node, String... path) {
        return at(node, path) instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    /** The value after {@code option} in {@code args} ({@code --opt value} or {@code --opt=value}). */
    static Optional<String> option(List<String> args, String option) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                return Optional.of(args.get(i + 1));
            }
            if (args.get(i).startsWith(option + "=")) {
                return Optional.of(args.get(i).substring(option.length() + 1));
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
