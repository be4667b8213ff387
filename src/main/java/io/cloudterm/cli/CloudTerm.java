package io.cloudterm.cli;
public final class CloudTerm { public static void main(String[] a) { System.out.println("hi " + Runtime.version()); } }
