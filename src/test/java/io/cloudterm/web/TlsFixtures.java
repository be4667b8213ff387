package io.cloudterm.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority for TLS tests, made with the {@code openssl} command in a directory of
 * its own: server certificates for 127.0.0.1 and localhost with their keys in each format
 * {@link TlsSettings} accepts, and client certificates. Nothing here is valid for more than two days.
 */
final class TlsFixtures {

    /** The private key formats of --ssl-key, each as openssl writes it. */
    enum KeyFormat {
        /** {@code openssl genpkey}: "BEGIN PRIVATE KEY". */
        PKCS8_RSA("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
        /** {@code openssl genrsa -traditional}: "BEGIN RSA PRIVATE KEY". */
        PKCS1_RSA("genrsa", "-traditional", "2048"),
        /** {@code openssl genpkey}: "BEGIN PRIVATE KEY". */
        PKCS8_EC("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
        /** {@code openssl ecparam -genkey}: "BEGIN EC PARAMETERS", then "BEGIN EC PRIVATE KEY". */
        SEC1_EC("ecparam", "-name", "prime256v1", "-genkey");

        private final List<String> command;

        KeyFormat(String... command) {
            this.command = List.of(command);
        }
    }

    /** A certificate and its key; {@code pkcs12} holds both for a JDK client (password {@link #PASSWORD}). */
    record Identity(Path certificate, Path key, Path pkcs12) {
    }

    static final char[] PASSWORD = "changeit".toCharArray();
    private static final String OPENSSL = "/usr/bin/openssl";
    private static final String CONFIG = """
            [ca]
            default_ca = ca_default
            [ca_default]
            database = index.txt
            new_certs_dir = .
            rand_serial = yes
            default_md = sha256
            default_days = 2
            policy = policy_any
            unique_subject = no
            copy_extensions = copy
            [policy_any]
            commonName = optional
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            """;

    private static final List<String> SERVER = List.of(
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "extendedKeyUsage=serverAuth");
    /** Like most client certificates, no subjectAltName: nothing to match the client's address against. */
    private static final List<String> CLIENT = List.of("-addext", "extendedKeyUsage=clientAuth");

    private final Path dir;
    private int issued;

    private TlsFixtures(Path dir) {
        this.dir = dir;
    }

    /** A new CA called {@code name}, in a subdirectory of {@code parent}. */
    static TlsFixtures authority(Path parent, String name) throws IOException {
        TlsFixtures ca = new TlsFixtures(Files.createDirectories(parent.resolve(name.replaceAll("\\W", "_"))));
        Files.writeString(ca.dir.resolve("openssl.cnf"), CONFIG);
        Files.writeString(ca.dir.resolve("index.txt"), "");
        ca.openssl("req", "-config", "openssl.cnf", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    Path certificate() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate for 127.0.0.1 and localhost, valid now, its key in {@code format}. */
    Identity server(KeyFormat format) throws IOException {
        return issue("/CN=localhost", format, SERVER, List.of());
    }

    /** A server certificate for 127.0.0.1 and localhost that expired in 2020. */
    Identity expiredServer() throws IOException {
        return issue("/CN=localhost", KeyFormat.PKCS8_EC, SERVER,
                List.of("-startdate", "20200101000000Z", "-enddate", "20200102000000Z"));
    }

    /** A client certificate with this subject, e.g. {@code /O=Ops/CN=alice}. */
    Identity client(String subject) throws IOException {
        return issue(subject, KeyFormat.PKCS8_EC, CLIENT, List.of());
    }

    private Identity issue(String subject, KeyFormat format, List<String> extensions, List<String> dates)
            throws IOException {
        String name = "cert" + ++issued;
        List<String> key = new ArrayList<>(format.command);
        key.addAll(1, List.of("-out", name + ".key")); // before genrsa's trailing key size
        openssl(key.toArray(String[]::new));
        List<String> request = new ArrayList<>(List.of("req", "-config", "openssl.cnf", "-new", "-key", name + ".key",
                "-subj", subject, "-out", name + ".csr"));
        request.addAll(extensions);
        openssl(request.toArray(String[]::new));
        List<String> sign = new ArrayList<>(List.of("ca", "-batch", "-config", "openssl.cnf", "-preserveDN", "-notext",
                "-cert", "ca.pem", "-keyfile", "ca.key", "-in", name + ".csr", "-out", name + ".pem"));
        sign.addAll(dates);
        openssl(sign.toArray(String[]::new));
        openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + ".key", "-out", name + ".p12",
                "-passout", "pass:" + new String(PASSWORD));
        return new Identity(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), dir.resolve(name + ".p12"));
    }

    /** A JDK client context that trusts {@code trustedCa} and, unless null, presents {@code identity}. */
    static SSLContext clientContext(Path trustedCa, Identity identity) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedCa)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManager[] keyManagers = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(identity.pkcs12())) {
                keys.load(in, PASSWORD);
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, PASSWORD);
            keyManagers = factory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers.getTrustManagers(), null);
        return context;
    }

    private void openssl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(OPENSSL));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        } finally {
            process.destroy();
        }
    }
}
