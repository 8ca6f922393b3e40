package org.bulwark.dns;

import java.util.List;
import java.util.function.Function;

/**
 * The outcome of one DNS question: records found, a definite "no" (the name does not exist, or
 * has no records of the type), or a temporary failure that the caller should answer with a 4xx
 * reply or a retry rather than a rejection.
 */
public sealed interface DnsResult<T> {

    /** Why nothing was found: RFC 2308 §2.1 NXDOMAIN or §2.2 NODATA. */
    enum Absence {
        NXDOMAIN,
        NODATA
    }

    record Found<T>(List<T> values) implements DnsResult<T> {
        public Found {
            values = List.copyOf(values);
        }
    }

    record NotFound<T>(Absence absence) implements DnsResult<T> {
    }

    /** SERVFAIL, REFUSED, a timeout or a network error; {@code reason} is for log lines. */
    record TemporaryFailure<T>(String reason) implements DnsResult<T> {
    }

    /** The values found, or an empty list for every other outcome. */
    default List<T> values() {
        return this instanceof Found<T> found ? found.values() : List.of();
    }

    default boolean isFound() {
        return this instanceof Found<T>;
    }

    default boolean isTemporaryFailure() {
        return this instanceof TemporaryFailure<T>;
    }

    /** The same outcome with each found value converted. */
    default <R> DnsResult<R> map(Function<T, R> f) {
        return switch (this) {
            case Found<T> found -> new Found<>(found.values().stream().map(f).toList());
            case NotFound<T> none -> new NotFound<>(none.absence());
            case TemporaryFailure<T> failure -> new TemporaryFailure<>(failure.reason());
        };
    }
}
