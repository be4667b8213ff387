/**
 * CloudTerm as a feature of any Helidon SE application: {@link io.cloudterm.feature.CloudTermFeature}
 * (built in code or from {@code server.features.cloudterm} in {@code application.yaml}) mounts the
 * terminal site on the application's own server. Adapts configuration and lifecycle; serves nothing itself.
 */
package io.cloudterm.feature;
