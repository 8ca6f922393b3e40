package org.bulwark.config;

/** The kinds of value a main.cf parameter holds; each is checked at load time. */
public enum ParameterType {
    /** Free text (host names, paths, banners). */
    STRING,
    /** Items separated by commas and white space; {@code { ... }} groups stay one item. */
    LIST,
    /** A whole number. */
    INTEGER,
    /** A number of bytes, written as a plain number as Postfix does. */
    SIZE,
    /** A duration: a number with an optional unit s, m, h, d or w. */
    TIME,
    /** yes or no (true and false are accepted too). */
    BOOLEAN
}
