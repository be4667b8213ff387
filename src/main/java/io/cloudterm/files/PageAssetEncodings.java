package io.cloudterm.files;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which of an asset's encodings a client gets, by its {@code Accept-Encoding} (RFC 9110 §12.5.3):
 * the acceptable coding with the highest q-value; among equals, the smaller bytes (brotli, then
 * gzip, then none). {@code identity} is acceptable unless refused by name or by {@code *;q=0}, and
 * when not named it comes after every coding that is; when
 * nothing offered is acceptable the client still gets the identity bytes, which HTTP allows and
 * every client can read.
 */
public final class PageAssetEncodings {

    public static final String IDENTITY = "identity";
    public static final String GZIP = "gzip";
    public static final String BROTLI = "br";

    /**
     * Identity's q-value when the header does not name it: acceptable (RFC 9110 says so), but
     * below any coding the client did name, which is what a client that names only
     * {@code gzip;q=0.5} means.
     */
    private static final double UNNAMED_IDENTITY = 0.001;
    /** Smallest first: the order that breaks ties between equal q-values. */
    private static final List<String> BY_SIZE = List.of(BROTLI, GZIP, IDENTITY);

    private PageAssetEncodings() {
    }

    /**
     * The coding to send: one of {@code available} (which need not name identity: it is always
     * there), or {@link #IDENTITY}. A missing header means identity only, as most tools expect.
     */
    public static String choose(String acceptEncoding, Set<String> available) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) {
            return IDENTITY;
        }
        String best = IDENTITY;
        double bestQ = -1;
        for (String coding : BY_SIZE) {
            if (!coding.equals(IDENTITY) && !available.contains(coding)) {
                continue;
            }
            double q = quality(acceptEncoding, coding);
            if (q > 0 && q > bestQ) {
                best = coding;
                bestQ = q;
            }
        }
        return best;
    }

    /** The q-value the header gives {@code coding}: by name, else by {@code *}, else 0 (identity: barely above). */
    private static double quality(String header, String coding) {
        Double named = null;
        Double any = null;
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.regionMatches(true, 0, "q=", 0, 2)) {
                    q = parseQ(parameter.substring(2).trim());
                }
            }
            if (name.equals(coding) || (coding.equals(GZIP) && name.equals("x-gzip"))) {
                named = named == null ? q : Math.max(named, q);
            } else if (name.equals("*")) {
                any = q;
            }
        }
        if (named != null) {
            return named;
        }
        if (any != null) {
            return any;
        }
        return coding.equals(IDENTITY) ? UNNAMED_IDENTITY : 0;
    }

    /** A malformed q-value counts as a refusal: the client gets something it surely reads. */
    private static double parseQ(String value) {
        try {
            double q = Double.parseDouble(value);
            return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
