package io.cloudterm.deploy;

import static io.cloudterm.deploy.Manifest.at;
import static io.cloudterm.deploy.Manifest.map;
import static io.cloudterm.deploy.Manifest.maps;
import static io.cloudterm.deploy.Manifest.option;
import static io.cloudterm.deploy.Manifest.string;
import static io.cloudterm.deploy.Manifest.strings;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cloudterm.cli.CloudTerm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}: what a schema check would catch for these
 * kinds, that their parts name one another rightly (selectors, ports, probes, volumes, Secrets,
 * ConfigMaps), and that the gateways and hosts they start are told of each other as CloudTerm
 * expects, the private key on the gateways only.
 */
class KubernetesManifestsTest {

    static final Path FOLDER = Path.of(System.getProperty("basedir", ".")).resolve("deploy/kubernetes");

    /** The API versions and kinds these manifests may use. */
    private static final Map<String, Set<String>> KNOWN = Map.of(
            "v1", Set.of("Service", "Secret", "ConfigMap"),
            "apps/v1", Set.of("StatefulSet", "Deployment"),
            "networking.k8s.io/v1", Set.of("Ingress", "NetworkPolicy"));

    /** RFC 1123 label, lowercase, as Kubernetes checks names; a Service's must also start with a letter (RFC 1035). */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    /** {@code --hosts dns:NAME:PORT}. */
    private static final Pattern DNS_HOSTS = Pattern.compile("dns:([^:]+):(\\d+)");

    /** The options whose value is a file or directory the server reads. */
    private static final List<String> FILE_OPTIONS = List.of("--trust-gateway", "--gateway-key", "--users",
            "--credential-file", "--ssl-cert", "--ssl-key", "--ssl-ca", "--record", "--files");

    private static List<Manifest> all;

    @BeforeAll
    static void read() throws IOException {
        all = Manifest.readAll(FOLDER);
        assertFalse(all.isEmpty(), "no manifests in " + FOLDER);
    }

    @Test
    void everyObjectIsAKindKubernetesKnows() {
        for (Manifest object : all) {
            Set<String> kinds = KNOWN.get(object.apiVersion());
            assertNotNull(kinds, object + ": unknown apiVersion " + object.apiVersion());
            assertTrue(kinds.contains(object.kind()), object + ": " + object.apiVersion() + " has no kind " + object.kind());
            assertTrue(object.body().get("metadata") instanceof Map, object + ": no metadata");
        }
    }

    @Test
    void everyObjectIsNamedForDnsInOneNamespace() {
        Set<String> namespaces = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (Manifest object : all) {
            String name = object.name();
            assertNotNull(name, object + ": no metadata.name");
            assertTrue(name.length() <= 63 && DNS_LABEL.matcher(name).matches(), object + ": not a DNS-1123 label: " + name);
            if (object.is("Service")) {
                assertTrue(DNS_1035_LABEL.matcher(name).matches(), object + ": a Service's name must start with a letter");
            }
            assertTrue(seen.add(object.kind() + "/" + name), object + ": twice");
            namespaces.add(object.namespace());
        }
        assertEquals(1, namespaces.size(), "every object in one namespace (the gateway's --hosts names it): " + namespaces);
        assertNotNull(namespaces.iterator().next(), "metadata.namespace");
    }

    @Test
    void selectorsSelectTheirPods() {
        for (Manifest workload : workloads()) {
            Map<String, Object> selector = map(workload.body(), "spec", "selector", "matchLabels");
            assertFalse(selector.isEmpty(), workload + ": no spec.selector.matchLabels");
            assertTrue(workload.podLabels().entrySet().containsAll(selector.entrySet()),
                    workload + ": selector " + selector + " does not match its pod labels " + workload.podLabels());
        }
        for (Manifest service : kind("Service")) {
            assertFalse(selected(map(service.body(), "spec", "selector")).isEmpty(), service + ": selects no pods of this folder");
        }
        for (Manifest policy : kind("NetworkPolicy")) {
            assertFalse(selected(map(policy.body(), "spec", "podSelector", "matchLabels")).isEmpty(), policy + ": applies to no pods");
            for (Map<String, Object> rule : maps(policy.body(), "spec", "ingress")) {
                for (Map<String, Object> from : maps(rule, "from")) {
                    assertFalse(selected(map(from, "podSelector", "matchLabels")).isEmpty(), policy + ": lets in no pods of this folder");
                }
            }
        }
    }

    @Test
    void theHostsAreGovernedByAHeadlessService() {
        for (Manifest statefulSet : kind("StatefulSet")) {
            Manifest service = headlessServiceOf(statefulSet);
            assertEquals("None", string(service.body(), "spec", "clusterIP"), service + ": clusterIP must be None (headless)");
            assertEquals(Boolean.FALSE, at(service.body(), "spec", "publishNotReadyAddresses"),
                    service + ": publishNotReadyAddresses must be false, so that no new terminal goes to a host that is not ready");
            assertTrue(selected(map(service.body(), "spec", "selector")).contains(statefulSet),
                    service + ": does not select the pods of " + statefulSet);
        }
    }

    @Test
    void portsLeadToDeclaredContainerPorts() {
        for (Manifest service : kind("Service")) {
            for (Map<String, Object> port : maps(service.body(), "spec", "ports")) {
                Object target = port.getOrDefault("targetPort", port.get("port"));
                for (Manifest workload : selected(map(service.body(), "spec", "selector"))) {
                    assertTrue(declares(workload, target), service + ": targetPort " + target + " is no container port of " + workload);
                }
            }
        }
        for (Manifest policy : kind("NetworkPolicy")) {
            for (Manifest workload : selected(map(policy.body(), "spec", "podSelector", "matchLabels"))) {
                for (Map<String, Object> rule : maps(policy.body(), "spec", "ingress")) {
                    for (Map<String, Object> port : maps(rule, "ports")) {
                        assertTrue(declares(workload, port.get("port")), policy + ": port " + port.get("port") + " is no container port of " + workload);
                    }
                }
            }
        }
        for (Manifest ingress : kind("Ingress")) {
            for (Map<String, Object> rule : maps(ingress.body(), "spec", "rules")) {
                for (Map<String, Object> path : maps(rule, "http", "paths")) {
                    Map<String, Object> backend = map(path, "backend", "service");
                    Manifest service = named("Service", string(backend, "name"), ingress);
                    Object port = Optional.ofNullable(at(backend, "port", "name")).orElse(at(backend, "port", "number"));
                    assertTrue(maps(service.body(), "spec", "ports").stream()
                                    .anyMatch(p -> port != null && (port.equals(p.get("name")) || port.equals(p.get("port")))),
                            ingress + ": " + service + " has no port " + port);
                }
            }
        }
        // And CloudTerm listens where the pod says it does.
        for (Manifest workload : workloads()) {
            for (Map<String, Object> container : cloudTermContainers(workload)) {
                String port = option(cloudTermArgs(container), "--port").orElse("7681");
                assertTrue(declares(workload, Integer.valueOf(port)), workload + ": CloudTerm listens on " + port + ", not a declared containerPort");
            }
        }
    }

    @Test
    void probesAskADeclaredPortAndAPath() {
        for (Manifest workload : workloads()) {
            for (Map<String, Object> container : maps(workload.podSpec(), "containers")) {
                for (String kind : List.of("readinessProbe", "livenessProbe")) {
                    assertTrue(container.get(kind) instanceof Map, workload + ": container " + container.get("name") + " has no " + kind);
                }
                for (String kind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                    Map<String, Object> probe = map(container, kind);
                    if (probe.isEmpty()) {
                        continue;
                    }
                    String where = workload + ", " + container.get("name") + " " + kind;
                    Map<String, Object> http = map(probe, "httpGet");
                    Map<String, Object> tcp = map(probe, "tcpSocket");
                    assertEquals(1, (http.isEmpty() ? 0 : 1) + (tcp.isEmpty() ? 0 : 1) + (probe.containsKey("exec") ? 1 : 0)
                            + (probe.containsKey("grpc") ? 1 : 0), where + ": exactly one of httpGet, tcpSocket, exec, grpc");
                    if (!http.isEmpty()) {
                        String path = string(http, "path");
                        assertTrue(path != null && path.startsWith("/"), where + ": httpGet needs a path starting with /");
                        assertTrue(declares(workload, http.get("port")), where + ": port " + http.get("port") + " is not declared");
                    }
                    if (!tcp.isEmpty()) {
                        assertTrue(declares(workload, tcp.get("port")), where + ": port " + tcp.get("port") + " is not declared");
                    }
                }
            }
        }
    }

    @Test
    void theHostsAreProbedOnTheirHealthWithoutALogin() {
        Map<String, Object> host = hostContainer();
        assertEquals("/observe/health", string(host, "readinessProbe", "httpGet", "path"), "the hosts' readiness: every health check");
        for (String kind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            String path = string(host, kind, "httpGet", "path");
            if (path != null && path.startsWith("/observe/")) {
                assertTrue(cloudTermArgs(host).contains("--observe-public"),
                        "the kubelet cannot log in: a probe of " + path + " needs --observe-public");
            }
        }
    }

    @Test
    void mountsNameDeclaredVolumesSecretsAndConfigMapsOfThisFolder() {
        for (Manifest workload : workloads()) {
            Map<String, Map<String, Object>> volumes = volumes(workload);
            Set<String> used = new HashSet<>();
            for (Map<String, Object> container : workload.containers()) {
                Set<String> paths = new HashSet<>();
                for (Map<String, Object> mount : maps(container, "volumeMounts")) {
                    String name = string(mount, "name");
                    assertTrue(volumes.containsKey(name), workload + ": container " + container.get("name") + " mounts an undeclared volume " + name);
                    assertTrue(paths.add(string(mount, "mountPath")), workload + ": " + mount.get("mountPath") + " mounted twice");
                    used.add(name);
                    if (volumes.get(name).containsKey("secret") || volumes.get(name).containsKey("configMap")) {
                        assertEquals(Boolean.TRUE, mount.get("readOnly"), workload + ": volume " + name + " of a Secret or ConfigMap mounted writable");
                    }
                }
            }
            for (Map.Entry<String, Map<String, Object>> volume : volumes.entrySet()) {
                assertTrue(used.contains(volume.getKey()), workload + ": volume " + volume.getKey() + " is mounted nowhere");
                Map<String, Object> secret = map(volume.getValue(), "secret");
                if (!secret.isEmpty()) {
                    named("Secret", string(secret, "secretName"), workload);
                    assertEquals(0400, at(secret, "defaultMode"), workload + ": Secret volume " + volume.getKey() + " is not mode 0400");
                }
                Map<String, Object> configMap = map(volume.getValue(), "configMap");
                if (!configMap.isEmpty()) {
                    named("ConfigMap", string(configMap, "name"), workload);
                }
            }
        }
    }

    @Test
    void filesOnTheCommandLineComeFromMountedSecretsOrConfigMaps() {
        for (Manifest workload : workloads()) {
            for (Map<String, Object> container : cloudTermContainers(workload)) {
                List<String> args = cloudTermArgs(container);
                for (String option : FILE_OPTIONS) {
                    option(args, option).ifPresent(file -> provider(workload, container, option + " " + file, file));
                }
            }
        }
    }

    /**
     * The gateways sign with a private key from a Secret; the hosts check with a public key from
     * another object, and mount nothing of the private key's Secret: a program in a host's
     * terminal reads what the host reads, and must find nothing there to sign with.
     */
    @Test
    void thePrivateKeyIsTheGatewaysAlone() {
        Manifest gateways = only("Deployment");
        String signing = option(cloudTermArgs(cloudTermContainers(gateways).getFirst()), "--gateway-key")
                .orElseThrow(() -> new AssertionError("the gateway has no --gateway-key"));
        Provider privateKey = provider(gateways, cloudTermContainers(gateways).getFirst(), "--gateway-key " + signing, signing);
        assertTrue(privateKey.object().is("Secret"), "the gateway's private key comes from a Secret, not " + privateKey.object());

        Manifest hosts = only("StatefulSet");
        String trusted = option(cloudTermArgs(hostContainer()), "--trust-gateway")
                .orElseThrow(() -> new AssertionError("the hosts have no --trust-gateway"));
        Provider publicKey = provider(hosts, hostContainer(), "--trust-gateway " + trusted, trusted);
        assertTrue(publicKey.object().is("ConfigMap") || publicKey.object().is("Secret"),
                "the hosts' public key comes from a ConfigMap or a Secret, not " + publicKey.object());
        assertFalse(publicKey.object().equals(privateKey.object()),
                "the hosts' --trust-gateway comes from " + publicKey.object() + ", which holds the gateway's private key");
        for (Map<String, Object> volume : volumes(hosts).values()) {
            assertFalse(privateKey.object().name().equals(string(volume, "secret", "secretName")),
                    hosts + ": volume " + volume.get("name") + " mounts the gateway's private key, " + privateKey.object());
        }
    }

    @Test
    void theGatewaysLookUpTheHostsService() {
        Manifest hosts = only("StatefulSet");
        Manifest service = headlessServiceOf(hosts);
        List<String> args = cloudTermArgs(cloudTermContainers(only("Deployment")).getFirst());
        assertEquals("gateway", args.getFirst(), "the gateway's first argument");
        String value = option(args, "--hosts").orElseThrow(() -> new AssertionError("the gateway has no --hosts"));
        Matcher dns = DNS_HOSTS.matcher(value);
        assertTrue(dns.matches(), "--hosts " + value + ": expected dns:NAME:PORT");
        assertEquals(service.name() + "." + service.namespace() + ".svc.cluster.local", dns.group(1),
                "--hosts names the hosts' headless Service, in its namespace");
        // The DNS answer is the pods' own addresses: the port is the container's, not the Service's.
        String hostPort = option(cloudTermArgs(hostContainer()), "--port").orElse("7681");
        assertEquals(hostPort, dns.group(2), "--hosts port is the hosts' --port");
        assertTrue(declares(hosts, Integer.valueOf(dns.group(2))), "--hosts port " + dns.group(2) + " is not a container port of " + hosts);
    }

    @Test
    void everyContainerIsBoundedAndUnprivileged() {
        for (Manifest workload : workloads()) {
            assertEquals(Boolean.TRUE, at(workload.podSpec(), "securityContext", "runAsNonRoot"), workload + ": runAsNonRoot");
            assertEquals(Boolean.FALSE, workload.podSpec().get("automountServiceAccountToken"),
                    workload + ": its shells and relays need no Kubernetes API token");
            for (Map<String, Object> container : workload.containers()) {
                String where = workload + ", container " + container.get("name");
                assertNotNull(at(container, "resources", "requests", "cpu"), where + ": resources.requests.cpu");
                assertNotNull(at(container, "resources", "requests", "memory"), where + ": resources.requests.memory");
                assertNotNull(at(container, "resources", "limits", "memory"), where + ": resources.limits.memory");
                assertEquals(Boolean.FALSE, at(container, "securityContext", "allowPrivilegeEscalation"), where + ": allowPrivilegeEscalation");
                assertTrue(strings(container, "securityContext", "capabilities", "drop").contains("ALL"), where + ": capabilities.drop ALL");
            }
        }
    }

    /** The hosts' and the gateways' arguments, read by CloudTerm's own command line as the image runs them. */
    @Test
    void theCommandLinesAreCloudTerms(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        List<String> host = cloudTermArgs(hostContainer());
        assertDoesNotThrow(() -> CloudTerm.configFrom(host.toArray(String[]::new)), "the hosts' args: " + host);
        List<String> gateway = new ArrayList<>(cloudTermArgs(cloudTermContainers(only("Deployment")).getFirst()));
        // The accounts file is read as the options are (a missing one is a usage error): one stands in for the Secret's.
        int users = gateway.indexOf("--users");
        if (users >= 0) {
            gateway.set(users + 1, java.nio.file.Files.writeString(dir.resolve("htpasswd"), "").toString());
        }
        assertTrue(assertDoesNotThrow(() -> CloudTerm.configFrom(gateway.toArray(String[]::new)), "the gateways' args: " + gateway)
                .gateway().relays(), "a gateway");
    }

    // The folder's objects and how they refer to one another.

    private static List<Manifest> kind(String kind) {
        return all.stream().filter(object -> object.is(kind)).toList();
    }

    private static Manifest only(String kind) {
        List<Manifest> found = kind(kind);
        assertEquals(1, found.size(), "one " + kind + " in " + FOLDER + ": " + found);
        return found.getFirst();
    }

    private static Manifest named(String kind, String name, Manifest from) {
        return kind(kind).stream().filter(object -> object.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(from + ": names " + kind + " " + name + ", which is not in " + FOLDER));
    }

    private static List<Manifest> workloads() {
        return all.stream().filter(Manifest::isWorkload).toList();
    }

    /** The workloads whose pods carry every label of {@code selector}; none for an empty selector. */
    private static List<Manifest> selected(Map<String, Object> selector) {
        if (selector.isEmpty()) {
            return List.of();
        }
        return workloads().stream().filter(workload -> workload.podLabels().entrySet().containsAll(selector.entrySet())).toList();
    }

    private static Manifest headlessServiceOf(Manifest statefulSet) {
        String name = string(statefulSet.body(), "spec", "serviceName");
        assertNotNull(name, statefulSet + ": no spec.serviceName");
        return named("Service", name, statefulSet);
    }

    /** True if a container of {@code workload} declares {@code port}: a number, or a port's name. */
    private static boolean declares(Manifest workload, Object port) {
        for (Map<String, Object> container : workload.containers()) {
            for (Map<String, Object> declared : maps(container, "ports")) {
                if (port instanceof Integer number ? number.equals(declared.get("containerPort")) : port != null && port.equals(declared.get("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, Map<String, Object>> volumes(Manifest workload) {
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Map<String, Object> volume : maps(workload.podSpec(), "volumes")) {
            assertTrue(volumes.put(string(volume, "name"), volume) == null, workload + ": volume " + volume.get("name") + " twice");
        }
        return volumes;
    }

    /** The containers (not init containers) that run CloudTerm: the image's start command, or one given with -jar. */
    private static List<Map<String, Object>> cloudTermContainers(Manifest workload) {
        return maps(workload.podSpec(), "containers").stream()
                .filter(container -> string(container, "image") != null && string(container, "image").startsWith("cloudterm:"))
                .toList();
    }

    private static Map<String, Object> hostContainer() {
        List<Map<String, Object>> containers = cloudTermContainers(only("StatefulSet"));
        assertEquals(1, containers.size(), "one CloudTerm container per host");
        return containers.getFirst();
    }

    /**
     * CloudTerm's own arguments: a container's args after the image's {@code java @cloudterm.jvmopts
     * -jar cloudterm.jar}, or after {@code -jar X} in a command that spells it out.
     */
    private static List<String> cloudTermArgs(Map<String, Object> container) {
        if (strings(container, "command").isEmpty()) {
            return strings(container, "args");
        }
        List<String> words = new ArrayList<>(strings(container, "command"));
        words.addAll(strings(container, "args"));
        int jar = words.indexOf("-jar");
        if (jar < 0 || jar + 2 > words.size()) {
            fail("container " + container.get("name") + ": a command that is not java ... -jar cloudterm.jar: " + words);
        }
        return words.subList(jar + 2, words.size());
    }

    /** The Secret or ConfigMap, and its key, that a file a container reads comes from. */
    private record Provider(Manifest object, String key) {
    }

    /**
     * Where {@code file} of {@code container} comes from: a key of the Secret or ConfigMap it
     * mounts, or, in a volume the pod fills itself (an emptyDir), the file an init container
     * copies there, followed to the Secret or ConfigMap that init container mounts.
     */
    private static Provider provider(Manifest workload, Map<String, Object> container, String what, String file) {
        String where = workload + ": " + what;
        Map<String, Object> mount = maps(container, "volumeMounts").stream()
                .filter(m -> file.startsWith(string(m, "mountPath") + "/"))
                .findFirst().orElseThrow(() -> new AssertionError(where + " is in no volume the container mounts"));
        String relative = file.substring(string(mount, "mountPath").length() + 1);
        Map<String, Object> volume = volumes(workload).get(string(mount, "name"));
        assertNotNull(volume, where + ": in volume " + mount.get("name") + ", which the pod does not declare");
        Map<String, Object> secret = map(volume, "secret");
        Map<String, Object> configMap = map(volume, "configMap");
        if (!secret.isEmpty() || !configMap.isEmpty()) {
            Manifest named = secret.isEmpty() ? named("ConfigMap", string(configMap, "name"), workload)
                    : named("Secret", string(secret, "secretName"), workload);
            assertTrue(named.holds(relative), where + ": " + named + " has no key " + relative);
            return new Provider(named, relative);
        }
        assertTrue(volume.containsKey("emptyDir"), where + ": in volume " + volume.get("name") + ", neither a Secret, a ConfigMap nor filled by the pod");
        for (Map<String, Object> init : maps(workload.podSpec(), "initContainers")) {
            boolean writes = maps(init, "volumeMounts").stream().anyMatch(m -> string(m, "name").equals(string(mount, "name"))
                    && strings(init, "command").contains(string(m, "mountPath") + "/" + relative));
            if (!writes) {
                continue;
            }
            // What it copies: another file of its command, in a volume of a Secret or ConfigMap it mounts.
            for (String word : strings(init, "command")) {
                boolean fromSecretOrConfigMap = maps(init, "volumeMounts").stream().anyMatch(m -> word.startsWith(string(m, "mountPath") + "/")
                        && (volumes(workload).getOrDefault(string(m, "name"), Map.of()).containsKey("secret")
                                || volumes(workload).getOrDefault(string(m, "name"), Map.of()).containsKey("configMap")));
                if (fromSecretOrConfigMap) {
                    return provider(workload, init, what + " (copied by init container " + init.get("name") + " from " + word + ")", word);
                }
            }
            fail(where + ": init container " + init.get("name") + " writes it, but copies it from no Secret or ConfigMap it mounts");
        }
        throw new AssertionError(where + ": no init container writes it into volume " + volume.get("name"));
    }
}
