package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that cannot start says why in one line on stderr, with the exit status of the command
 * line's convention (1: could not start, 2: the command line is the user's to fix), as the
 * launcher runs it: no log lines of a server that never ran, no stack trace.
 */
class StartFailureTest {

    @TempDir
    static Path dir;
    private static Installation installation;
    private static Map<String, String> env;

    @BeforeAll
    static void install() throws Exception {
        installation = Installation.in(dir);
        env = installation.environment();
        env.put("CLOUDTERM_JDK_DIRS", installation.jdksWithTheTestJdk().toString());
    }

    @Test
    void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Installation.Run run = installation.run(env, "--port", String.valueOf(port), "--", "sh");
            assertEquals(new Installation.Run(CloudTerm.FAILED, "",
                    "cloudterm: cannot listen on 127.0.0.1:" + port + ": address in use (pass --port)\n"), run);
        }
    }

    @Test
    void aCommandNotOnPathIsRefusedAtStart() throws Exception {
        Installation.Run run = installation.run(env, "--port", "0", "--", "no-such-program-cloudterm", "-x");
        assertEquals(CloudTerm.USAGE, run.status(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("cloudterm: cannot run 'no-such-program-cloudterm': not found on PATH "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aProgramWithASlashIsLookedUpFromTheWorkingDirectory(@TempDir Path work) throws Exception {
        Path tool = Files.writeString(work.resolve("tool"), "#!/bin/sh\necho hi\n");
        Installation.Run notExecutable = installation.run(env, "--port", "0", "--cwd", work.toString(), "--", "./tool");
        assertEquals(new Installation.Run(CloudTerm.USAGE, "", "cloudterm: cannot run './tool': not an executable file: "
                + tool + "\n"), notExecutable);
        Installation.Run missing = installation.run(env, "--port", "0", "--cwd", work.toString(), "--", "bin/tool");
        assertEquals(new Installation.Run(CloudTerm.USAGE, "", "cloudterm: cannot run 'bin/tool': no such file: "
                + work.resolve("bin/tool") + "\n"), missing);
    }
}
