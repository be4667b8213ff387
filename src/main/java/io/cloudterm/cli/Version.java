package io.cloudterm.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest ("dev" when run from classes). */
final class Version implements IVersionProvider {

    static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"CloudTerm " + current() + " (Java " + Runtime.version() + ")"};
    }
}
