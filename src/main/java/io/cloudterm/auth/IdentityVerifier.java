package io.cloudterm.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The host's side: checks a gateway-signed identity, and takes each one once.
 *
 * <p>The checks run cheapest first, and nothing the sender wrote is parsed before its signature is
 * right: the length (at most 4096 characters), the alphabet and the three parts, the version, the
 * signature against each accepted public key, then the payload, the expiry, the nonce.
 *
 * <p>Time, by this host's clock: an identity is taken until 5 s after its expiry (the skew allowed
 * between the gateway's clock and the host's), and refused if it expires more than 30 s ahead (it
 * was made to hold 20 s; more means a clock far off or an identity not made by our signer).
 *
 * <p>Replays: each nonce taken is remembered until its identity would be refused as expired
 * anyway (a second past its last valid moment). At most {@value #DEFAULT_CAPACITY} are remembered; when that many are in flight, new
 * identities are refused ("too many identities in flight") rather than an old nonce forgotten,
 * which would let it be replayed. Only identities with a right signature get that far, so only a holder
 * of the gateway's private key can fill it, and 100,000 in 25 s is 4,000 new terminals a second, beyond a host.
 */
public final class IdentityVerifier {

    static final int DEFAULT_CAPACITY = 100_000;

    private final GatewayKeys keys;
    private final Clock clock;
    private final int capacity;
    /** Nonce to the instant it may be forgotten. */
    private final Cache<String, Instant> taken;

    public IdentityVerifier(GatewayKeys keys) {
        this(keys, Clock.systemUTC());
    }

    /** Checks against every key of {@code keys}, expiries against {@code clock}. */
    public IdentityVerifier(GatewayKeys keys, Clock clock) {
        this(keys, clock, DEFAULT_CAPACITY);
    }

    IdentityVerifier(GatewayKeys keys, Clock clock, int capacity) {
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        this.capacity = capacity;
        // The cache reads the same clock as the expiry check: a nonce is forgotten exactly when an
        // identity carrying it would be refused as expired, whatever the wall clock does.
        this.taken = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((String nonce, Instant forgetAt) -> Duration.between(clock.instant(), forgetAt)))
                .executor(Runnable::run)
                .build();
    }

    /** The identity {@code header} carries if it is well-formed, signed with one of the keys, not expired and not seen before. */
    public GatewayIdentity verify(String header) throws Refused {
        if (header == null || header.isEmpty()) {
            throw new Refused("no identity");
        }
        if (header.length() > IdentityWire.MAXIMUM_CHARS) {
            throw new Refused("identity too long");
        }
        int firstDot = header.indexOf('.');
        int lastDot = header.lastIndexOf('.');
        if (!IdentityWire.isHeaderText(header) || firstDot < 0 || lastDot == firstDot
                || header.indexOf('.', firstDot + 1) != lastDot) {
            throw new Refused("malformed identity");
        }
        if (!header.substring(0, firstDot).equals(IdentityWire.VERSION)) {
            throw new Refused("unknown identity version");
        }
        byte[] signature = IdentityWire.bytes(header.substring(lastDot + 1));
        if (signature == null || signature.length != IdentityWire.SIGNATURE_BYTES) {
            throw new Refused("malformed identity");
        }
        String signed = header.substring(0, lastDot);
        boolean signedByAKey = false;
        for (PublicKey key : keys.accepted()) {
            signedByAKey = signedByAKey || IdentityWire.verifies(key, signed, signature);
        }
        if (!signedByAKey) {
            throw new Refused("bad identity signature");
        }
        byte[] payload = IdentityWire.bytes(signed.substring(firstDot + 1));
        if (payload == null) {
            throw new Refused("malformed identity payload");
        }
        GatewayIdentity identity = IdentityWire.payload(payload).orElseThrow(() -> new Refused("malformed identity payload"));
        Instant now = clock.instant();
        if (now.isAfter(identity.expires().plus(IdentityWire.SKEW))) {
            throw new Refused("identity expired");
        }
        if (identity.expires().isAfter(now.plus(IdentityWire.FURTHEST_AHEAD))) {
            throw new Refused("identity expires too far ahead");
        }
        take(identity);
        return identity;
    }

    private void take(GatewayIdentity identity) throws Refused {
        if (taken.getIfPresent(identity.nonce()) != null) {
            throw new Refused("identity replayed");
        }
        if (taken.estimatedSize() >= capacity) {
            taken.cleanUp();
            if (taken.estimatedSize() >= capacity) {
                throw new Refused("too many identities in flight");
            }
        }
        // Checked again as it is stored: two copies of one identity arriving together, one is taken.
        if (taken.asMap().putIfAbsent(identity.nonce(), identity.expires().plus(IdentityWire.SKEW).plusSeconds(1)) != null) {
            throw new Refused("identity replayed");
        }
    }

    /** Why an identity was refused, in words for the log and the 401's reason. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
