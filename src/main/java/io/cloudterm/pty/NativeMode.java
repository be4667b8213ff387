package io.cloudterm.pty;

/** The {@code --native} option: use the FFM layer when it loads, always, or never. */
public enum NativeMode {
    AUTO, ON, OFF
}
