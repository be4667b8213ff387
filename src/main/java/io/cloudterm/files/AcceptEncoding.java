package io.cloudterm.files;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request's {@code Accept-Encoding} (RFC 9110 §12.5.3): which content codings the client takes,
 * by q-value. {@code q=0} refuses a coding; {@code *} stands for every coding not named; without
 * the header, only identity is sent (a client that says nothing may not decode anything).
 */
public final class AcceptEncoding {

    /** A client that sent no {@code Accept-Encoding}. */
    public static final AcceptEncoding NONE = new AcceptEncoding(Map.of(), -1);

    /** q-values by coding, lower case; {@code x-gzip} is gzip (RFC 9110 §8.4.1.3). */
    private final Map<String, Double> weights;
    /** The q-value of {@code *}; -1 when absent. */
    private final double any;

    private AcceptEncoding(Map<String, Double> weights, double any) {
        this.weights = weights;
        this.any = any;
    }

    /** The header's values (several header lines count as one list); empty: no header. */
    public static AcceptEncoding parse(List<String> values) {
        if (values.isEmpty()) {
            return NONE;
        }
        Map<String, Double> weights = new HashMap<>();
        double any = -1;
        for (String value : values) {
            for (String element : value.split(",")) {
                String[] parts = element.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                if (coding.isEmpty()) {
                    continue;
                }
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].trim();
                    if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                            && parameter.charAt(1) == '=') {
                        q = qvalue(parameter.substring(2).trim());
                    }
                }
                if (Double.isNaN(q)) {
                    continue; // a q-value that is none: the element says nothing we can trust
                }
                if (coding.equals("*")) {
                    any = q;
                } else {
                    weights.put(coding.equals("x-gzip") ? "gzip" : coding, q);
                }
            }
        }
        return new AcceptEncoding(Map.copyOf(weights), any);
    }

    /**
     * The coding to send among {@code available} (the server's order of preference, for equal
     * q-values), or empty for identity: a coding wins if the client weighs it above zero and no
     * lower than identity. Identity is sent even to a client that refuses it ({@code identity;q=0})
     * when it takes nothing else we have: RFC 9110 allows that rather than a 406.
     */
    public Optional<String> choose(List<String> available) {
        String best = null;
        double bestWeight = 0;
        for (String coding : available) {
            double q = weight(coding);
            if (q > bestWeight) {
                best = coding;
                bestWeight = q;
            }
        }
        // Identity competes only when the client weighs it by name: "gzip;q=0.5" still means "gzip, please".
        double identity = weights.getOrDefault("identity", 0.0);
        return best != null && bestWeight >= identity ? Optional.of(best) : Optional.empty();
    }

    /** The client's q-value for {@code coding}: named, else that of {@code *}, else 0. */
    private double weight(String coding) {
        Double q = weights.get(coding);
        return q != null ? q : any >= 0 ? any : 0;
    }

    /** A qvalue (RFC 9110 §12.4.2): 0 to 1, at most three decimals; NaN otherwise. */
    private static double qvalue(String text) {
        if (!text.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
            return Double.NaN;
        }
        return Double.parseDouble(text);
    }
}
