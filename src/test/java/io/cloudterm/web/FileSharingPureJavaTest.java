package io.cloudterm.web;

/** {@link FileSharingTest} with pure-Java ptys and I/O: file bodies are copied through the heap in small chunks. */
class FileSharingPureJavaTest extends FileSharingTest {

    @Override
    String nativeMode() {
        return "off";
    }
}
