package io.cloudterm.auth;

/**
 * bcrypt hashes made by other implementations, at cost 4: the $2y$ ones by Apache's
 * {@code htpasswd -nbB -C 4 USER PASSWORD} (apache2-utils 2.4), the $2a$ and $2b$ ones by glibc's
 * libxcrypt through Python's {@code crypt.crypt(PASSWORD, '$2b$04$' + salt)}. Neither is jBCrypt,
 * so they check that we read the variants as the rest of the world writes them.
 */
final class HashesFromOtherTools {

    static final String YVONNE = "$2y$04$FPWbWy84GG.ZZxfVAHH.BeTKvVp.kFk8ME8B3ZFVzkwqbZdB/58pG"; // y-secret
    static final String EVE = "$2y$04$xYwJJkgiv2PIteBrP9x2zu5x32kWi80gEdVMbI3kk5pTgVsBwAdKC"; // pässwörd, UTF-8
    static final String ANNA = "$2a$04$gzAQfJtWcP3Uap0H6boTyelWh27jIm0FHwBp0sj8PQtJGKjGWocjS"; // a-secret
    static final String BOB = "$2b$04$gzAQfJtWcP3Uap0H6boTyeDzd05fye0xKl2l6fhqZtZQpdTW9/yZG"; // b-secret
    /** 72 times x: bcrypt's longest password. */
    static final String X72 = "$2y$04$q74NRDfXIw33l9jKyK5qC.U2S9K0vOEgfWDdV/hPLIt3SIYvYGCba";
    /** 73 times x, which htpasswd accepted and bcrypt cut to 72. */
    static final String X73 = "$2y$04$8ktRo/OHCeSKY6Ic75sxxeblL3tNn7R5cR9D.ebIw7DveAQvyXQ6C";

    /** A users file with all of them. */
    static final String FILE = """
            # made by htpasswd and libxcrypt
            yvonne:%s
            eve:%s
            anna:%s
            bob:%s
            long:%s
            long73:%s
            """.formatted(YVONNE, EVE, ANNA, BOB, X72, X73);

    private HashesFromOtherTools() {
    }

    static char[] x(int times) {
        return "x".repeat(times).toCharArray();
    }
}
