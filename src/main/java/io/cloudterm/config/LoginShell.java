package io.cloudterm.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The user's login shell, the default command: $SHELL, else /etc/passwd, else /bin/sh. */
public final class LoginShell {

    private LoginShell() {
    }

    public static List<String> command() {
        return List.of(shell(), "-l");
    }

    private static String shell() {
        String fromEnv = System.getenv("SHELL");
        if (fromEnv != null && Files.isExecutable(Path.of(fromEnv))) {
            return fromEnv;
        }
        String user = System.getProperty("user.name");
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 7 && fields[0].equals(user) && Files.isExecutable(Path.of(fields[6]))) {
                    return fields[6];
                }
            }
        } catch (IOException e) {
            // not a Unix with /etc/passwd: fall through
        }
        return "/bin/sh";
    }
}
