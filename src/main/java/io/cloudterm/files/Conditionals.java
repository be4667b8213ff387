package io.cloudterm.files;

import io.helidon.http.DateTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A GET or HEAD request's preconditions (RFC 9110 §13) against the representation it would get,
 * evaluated in the RFC's order (§13.2.2): {@code If-Match}, else {@code If-Unmodified-Since};
 * then {@code If-None-Match}, else {@code If-Modified-Since}; and {@code If-Range} for a range.
 * A date that cannot be parsed makes its header ignored, as the RFC says.
 *
 * @param ifMatch           {@code If-Match} values
 * @param ifUnmodifiedSince {@code If-Unmodified-Since}
 * @param ifNoneMatch       {@code If-None-Match} values
 * @param ifModifiedSince   {@code If-Modified-Since}
 * @param ifRange           {@code If-Range}
 */
public record Conditionals(List<String> ifMatch, Optional<String> ifUnmodifiedSince, List<String> ifNoneMatch,
                           Optional<String> ifModifiedSince, Optional<String> ifRange) {

    /** What the preconditions say. */
    public enum Outcome {
        /** Answer as if there were none. */
        PROCEED,
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: the client's copy is not the current one. */
        PRECONDITION_FAILED
    }

    public Conditionals {
        ifMatch = List.copyOf(ifMatch);
        ifNoneMatch = List.copyOf(ifNoneMatch);
    }

    /** The outcome for {@code current}, a representation that exists. */
    public Outcome evaluate(Representation current) {
        if (!ifMatch.isEmpty()) {
            if (!anyMatches(ifMatch, current.etag(), true)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else if (ifUnmodifiedSince.isPresent()) {
            Optional<Instant> since = date(ifUnmodifiedSince.get());
            if (since.isPresent() && seconds(current.lastModified()).isAfter(since.get())) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        if (!ifNoneMatch.isEmpty()) {
            if (anyMatches(ifNoneMatch, current.etag(), false)) {
                return Outcome.NOT_MODIFIED;
            }
        } else if (ifModifiedSince.isPresent()) {
            Optional<Instant> since = date(ifModifiedSince.get());
            if (since.isPresent() && !seconds(current.lastModified()).isAfter(since.get())) {
                return Outcome.NOT_MODIFIED;
            }
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether a Range may be answered with part of {@code current}: no {@code If-Range}, or one that
     * names it by its strong entity tag or by exactly its modification date (§13.1.5).
     */
    public boolean rangeApplies(Representation current) {
        if (ifRange.isEmpty()) {
            return true;
        }
        String value = ifRange.get().trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(current.etag());
        }
        return date(value).map(date -> date.equals(seconds(current.lastModified()))).orElse(false);
    }

    /**
     * Whether {@code etag} is in the lists {@code values} (or they hold {@code *}); {@code strong}:
     * weak tags never match (If-Match), else weak comparison (If-None-Match).
     */
    private static boolean anyMatches(List<String> values, String etag, boolean strong) {
        String opaque = opaque(etag);
        for (String value : values) {
            for (String tag : tags(value)) {
                if (tag.equals("*")) {
                    return true;
                }
                boolean weak = tag.startsWith("W/");
                if (strong && weak) {
                    continue;
                }
                if (opaque(tag).equals(opaque)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** The entity tags of one header value; a comma may stand inside a tag's quotes. */
    static List<String> tags(String value) {
        List<String> tags = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            if (value.startsWith("W/", i)) {
                i += 2;
            }
            if (i < n && value.charAt(i) == '"') {
                int close = value.indexOf('"', i + 1);
                if (close < 0) {
                    return tags; // an unterminated tag matches nothing
                }
                i = close + 1;
            } else {
                while (i < n && value.charAt(i) != ',') {
                    i++;
                }
            }
            tags.add(value.substring(start, i).trim());
        }
        return tags;
    }

    private static Optional<Instant> date(String text) {
        try {
            return Optional.of(DateTime.parse(text.trim()).toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** HTTP dates have whole seconds: a file's mtime is compared at that precision. */
    private static Instant seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
