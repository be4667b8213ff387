package io.cloudterm.auth;

import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The accounts behind password logins, as sessions and remembered credentials need them: what each
 * user's password is now, so that anything granted on an earlier one can be withdrawn.
 */
public interface Accounts {

    /**
     * What stands for {@code user}'s password now (compared with {@code equals}, never shown), or
     * empty when there is no such user. Cheap: an O(1) lookup.
     */
    Optional<Object> credentialOf(String user);

    /**
     * Runs {@code listener} with the names of the users whose password changed or who were removed,
     * each time a change is read; on the thread that noticed it, outside any lock of ours.
     */
    void onChange(Consumer<Set<String>> listener);

    /** Looks for a change now (subject to the usual recheck interval), for a periodic sweep. */
    void recheck();
}
