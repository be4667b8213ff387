package io.cloudterm.web;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * HTTPS and WSS from PEM files: the server's certificate chain and private key and, optionally, a CA
 * whose client certificates every connection must present (mutual TLS). Everything is read and
 * checked in {@link #create}, so a wrong path or a key that is not the certificate's stops the start
 * with one sentence naming the option and the file, instead of failing handshakes later.
 */
public final class TlsSettings {

    /**
     * HSTS for a year. No includeSubDomains: we do not own the parent domain, and the header binds
     * every port of this host name, not only ours.
     */
    public static final Header STRICT_TRANSPORT_SECURITY =
            HeaderValues.create(HeaderNames.STRICT_TRANSPORT_SECURITY, "max-age=31536000");

    /** What --ssl-key may hold, as told to a user whose key we could not read. */
    static final String KEY_FORMATS = "unencrypted RSA and EC keys are accepted as PKCS#8 'BEGIN PRIVATE KEY', "
            + "PKCS#1 'BEGIN RSA PRIVATE KEY' or SEC1 'BEGIN EC PRIVATE KEY'";

    private static final Logger LOG = Logger.getLogger(TlsSettings.class.getName());
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Pattern CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----");
    /** A private key block; group 1 is the word before "PRIVATE KEY" ("", "RSA", "EC", "ENCRYPTED"...). */
    private static final Pattern KEY_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*?) ?PRIVATE KEY-----(.*?)-----END \\1 ?PRIVATE KEY-----", Pattern.DOTALL);
    private static final Pattern ANY_KEY = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");

    private final Tls tls;
    private final X509Certificate certificate;
    private final List<X509Certificate> clientCas;

    private TlsSettings(Tls tls, X509Certificate certificate, List<X509Certificate> clientCas) {
        this.tls = tls;
        this.certificate = certificate;
        this.clientCas = clientCas;
    }

    /**
     * Reads and checks the files of {@code --ssl-cert}, {@code --ssl-key} and {@code --ssl-ca}.
     *
     * @param certificateChain PEM certificates, the server's own first, then its intermediates
     * @param privateKey       the PEM private key of the first certificate ({@link #KEY_FORMATS})
     * @param clientCa         PEM certificates of the CAs whose client certificates are let in;
     *                         present means every client must present one (mutual TLS)
     * @throws IllegalArgumentException with a one-line message a user can act on
     */
    public static TlsSettings create(Path certificateChain, Path privateKey, Optional<Path> clientCa) {
        List<X509Certificate> chain = certificates("--ssl-cert", certificateChain);
        PrivateKey key = privateKey(privateKey);
        X509Certificate leaf = chain.get(0);
        if (!belongTogether(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException("--ssl-key " + privateKey + " does not match --ssl-cert " + certificateChain
                    + " (the certificate's public key is not this key's; the server's own certificate must come first)");
        }
        warnAboutValidity(certificateChain, chain);
        List<X509Certificate> cas = clientCa.map(path -> certificates("--ssl-ca", path)).orElse(List.of());
        var builder = Tls.builder()
                .privateKey(key)
                .privateKeyCertChain(chain)
                .enabledProtocols(PROTOCOLS)
                // Helidon's default, "HTTPS", makes a server match each client certificate's subjectAltName
                // against the client's IP address, refusing ordinary client certificates.
                .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE);
        if (!cas.isEmpty()) {
            builder.clientAuth(TlsClientAuth.REQUIRED).trust(cas);
        }
        try {
            return new TlsSettings(builder.build(), leaf, cas);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot set up TLS with --ssl-cert " + certificateChain + " and --ssl-key "
                    + privateKey + ": " + rootMessage(e), e);
        }
    }

    /** For {@code WebServer.builder().tls(...)}: TLS 1.2 and 1.3, client certificates required with a client CA. */
    public Tls tls() {
        return tls;
    }

    /** Whether every client must present a certificate from the client CA. */
    public boolean mutual() {
        return !clientCas.isEmpty();
    }

    /** The server's own certificate (the first of {@code --ssl-cert}). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** One line for the start-up log, e.g. {@code TLS as CN=example.org until 2027-01-01T00:00:00Z}. */
    public String description() {
        String serving = "TLS as " + certificate.getSubjectX500Principal().getName() + " until "
                + certificate.getNotAfter().toInstant();
        if (!mutual()) {
            return serving;
        }
        return serving + "; client certificates required, issued by " + clientCas.stream()
                .map(ca -> ca.getSubjectX500Principal().getName())
                .collect(Collectors.joining(" or "));
    }

    /**
     * The user a verified client certificate names: its subject's most specific CN, or the whole
     * subject (RFC 2253) when it has no usable CN. Empty for a plain connection, a TLS connection
     * without a client certificate, or a certificate with an empty subject.
     *
     * @param remotePeer {@code ServerRequest.remotePeer()}
     */
    public static Optional<String> clientSubject(PeerInfo remotePeer) {
        return clientSubject(remotePeer.tlsCertificates()
                .filter(chain -> chain.length > 0 && chain[0] instanceof X509Certificate)
                .map(chain -> (X509Certificate) chain[0]));
    }

    /** The user a verified client certificate names, as {@link #clientSubject(PeerInfo)}. */
    static Optional<String> clientSubject(Optional<X509Certificate> certificate) {
        return certificate.map(verified -> userName(verified.getSubjectX500Principal())).filter(name -> !name.isEmpty());
    }

    static String userName(X500Principal subject) {
        String dn = subject.getName(X500Principal.RFC2253);
        try {
            List<Rdn> rdns = new LdapName(dn).getRdns();
            // LdapName lists the RDNs right to left: the most specific one, usually the CN, comes last.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN") && rdns.get(i).getValue() instanceof String cn
                        && !cn.isBlank() && cn.chars().noneMatch(Character::isISOControl)) {
                    return cn;
                }
            }
        } catch (InvalidNameException e) {
            // not expected from X500Principal's own RFC 2253 form; the whole subject will do
        }
        // A user name goes into logs and the shell's environment: no control characters, even escaped ones.
        StringBuilder safe = new StringBuilder();
        dn.chars().forEach(c -> safe.append(Character.isISOControl(c) ? String.format("\\%02X", c) : Character.toString(c)));
        return safe.toString();
    }

    private static List<X509Certificate> certificates(String option, Path path) {
        String pem = read(option, path);
        if (!CERTIFICATE.matcher(pem).find()) {
            String hint = ANY_KEY.matcher(pem).find() ? " (it holds a private key: are --ssl-cert and --ssl-key swapped?)" : "";
            throw new IllegalArgumentException(option + " " + path + " holds no PEM certificate ('BEGIN CERTIFICATE')"
                    + hint);
        }
        Resource file = Resource.create(option + " " + path, pem.getBytes(StandardCharsets.ISO_8859_1));
        try {
            return Keys.builder().pem(files -> files.certificates(file)).build().certs();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " " + path + " holds a damaged PEM certificate: " + rootMessage(e),
                    e);
        }
    }

    private static PrivateKey privateKey(Path path) {
        String text = read("--ssl-key", path);
        Matcher block = KEY_BLOCK.matcher(text);
        if (!block.find()) {
            String hint = CERTIFICATE.matcher(text).find()
                    ? " (it holds a certificate: are --ssl-cert and --ssl-key swapped?)" : "";
            throw new IllegalArgumentException("--ssl-key " + path + " holds no PEM private key (" + KEY_FORMATS + ")"
                    + hint);
        }
        String type = block.group(1);
        if (type.equals("ENCRYPTED") || block.group(2).contains("ENCRYPTED")) {
            throw new IllegalArgumentException("--ssl-key " + path + " is encrypted; give the key unencrypted, readable only"
                    + " by this user (openssl pkey -in " + path + " -out key.pem)");
        }
        String pem = switch (type) {
            case "", "RSA" -> block.group();
            case "EC" -> pkcs8FromSec1(path, block.group(2));
            default -> throw new IllegalArgumentException("--ssl-key " + path + " holds a 'BEGIN " + type
                    + " PRIVATE KEY' block (" + KEY_FORMATS + ")");
        };
        // Helidon's reader wants the key block at the very start (no "EC PARAMETERS" before it): give it just that.
        Resource file = Resource.create("--ssl-key " + path, pem.getBytes(StandardCharsets.US_ASCII));
        PrivateKey key;
        try {
            key = Keys.builder().pem(files -> files.key(file)).build().privateKey().orElseThrow();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--ssl-key " + path + " holds a private key that cannot be read: "
                    + rootMessage(e) + " (" + KEY_FORMATS + ")", e);
        }
        if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
            throw new IllegalArgumentException("--ssl-key " + path + " holds a " + key.getAlgorithm() + " key ("
                    + KEY_FORMATS + ")");
        }
        return key;
    }

    private static String read(String option, Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(option + " " + path + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + " " + path + " is a directory, not a PEM file");
        }
        String unreadable = option + " " + path + " is not readable by user " + System.getProperty("user.name");
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(unreadable);
        }
        try {
            // ISO-8859-1 maps every byte, so comments in any encoding around the PEM blocks cannot fail the read.
            return new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(unreadable, e);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + path + " is not readable: " + e.getMessage(), e);
        }
    }

    /** Signs with the key and verifies with the certificate's public key: true only for the two halves of one pair. */
    private static boolean belongTogether(PrivateKey key, PublicKey certificateKey) {
        if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] challenge = "CloudTerm TLS key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // e.g. an EC key on another curve than the certificate's
            return false;
        }
    }

    /** Browsers refuse these certificates, but the operator may be renewing them right now: warn, do not stop. */
    private static void warnAboutValidity(Path path, List<X509Certificate> chain) {
        for (X509Certificate certificate : chain) {
            String name = certificate.getSubjectX500Principal().getName();
            try {
                certificate.checkValidity();
            } catch (CertificateExpiredException e) {
                LOG.warning("--ssl-cert " + path + ": the certificate of " + name + " expired on "
                        + certificate.getNotAfter().toInstant() + "; browsers will refuse it until it is renewed");
            } catch (CertificateNotYetValidException e) {
                LOG.warning("--ssl-cert " + path + ": the certificate of " + name + " is valid only from "
                        + certificate.getNotBefore().toInstant() + "; is this machine's clock right?");
            }
        }
        try {
            if (chain.get(0).getSubjectAlternativeNames() == null) {
                LOG.warning("--ssl-cert " + path + " has no subjectAltName; browsers ignore the CN and will refuse it");
            }
        } catch (CertificateParsingException e) {
            LOG.warning("--ssl-cert " + path + ": its subjectAltName cannot be parsed: " + e.getMessage());
        }
    }

    /**
     * Rewraps a SEC1 (RFC 5915) EC key, as {@code openssl ecparam -genkey} writes it, into PKCS#8,
     * which Helidon's PEM reader refuses and accepts respectively. The curve is taken from the key's
     * parameters field, which OpenSSL always writes.
     */
    private static String pkcs8FromSec1(Path path, String base64) {
        byte[] sec1;
        byte[] curve;
        try {
            sec1 = Base64.getMimeDecoder().decode(base64.strip());
            // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, parameters [0] OID OPTIONAL, ... }
            Der key = Der.at(sec1, 0);
            Der version = Der.at(sec1, key.start());
            Der secret = Der.at(sec1, version.end());
            Der parameters = secret.end() < key.end() ? Der.at(sec1, secret.end()) : null;
            curve = parameters == null || parameters.tag() != 0xA0 ? null
                    : Arrays.copyOfRange(sec1, parameters.start(), Der.at(sec1, parameters.start()).end());
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--ssl-key " + path + " holds a damaged EC private key", e);
        }
        if (curve == null) {
            throw new IllegalArgumentException("--ssl-key " + path + " holds an EC private key that names no curve;"
                    + " convert it: openssl pkcs8 -topk8 -nocrypt -in " + path + " -out key.pem");
        }
        byte[] idEcPublicKey = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01}; // 1.2.840.10045.2.1
        byte[] pkcs8 = Der.encode(0x30,
                new byte[] {0x02, 0x01, 0x00},
                Der.encode(0x30, idEcPublicKey, curve),
                Der.encode(0x04, sec1));
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The exception's message and, when deeper, the message of its first cause, which usually says what was wrong. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }

    /** One DER element: its tag and where its content starts and ends in the array. Enough for a SEC1 key. */
    private record Der(int tag, int start, int end) {

        static Der at(byte[] der, int offset) {
            int tag = der[offset] & 0xFF;
            int length = der[offset + 1] & 0xFF;
            int start = offset + 2;
            if (length > 0x80 && length <= 0x83) {
                int bytes = length & 0x7F;
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[start++] & 0xFF);
                }
            } else if (length >= 0x80) {
                throw new IndexOutOfBoundsException("unsupported DER length");
            }
            if (start + length > der.length) {
                throw new IndexOutOfBoundsException("DER element runs past the end");
            }
            return new Der(tag, start, start + length);
        }

        static byte[] encode(int tag, byte[]... parts) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                content.writeBytes(part);
            }
            int length = content.size();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            if (length < 0x80) {
                out.write(length);
            } else if (length < 0x100) {
                out.write(0x81);
                out.write(length);
            } else {
                out.write(0x82);
                out.write(length >> 8);
                out.write(length);
            }
            out.writeBytes(content.toByteArray());
            return out.toByteArray();
        }
    }
}
