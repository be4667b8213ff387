package io.cloudterm.web;

/** {@link SharedFilesCacheTest} in pure-Java mode: bytes from memory copied to the response, the same answers. */
class SharedFilesCachePureJavaTest extends SharedFilesCacheTest {

    @Override
    String nativeMode() {
        return "off";
    }
}
