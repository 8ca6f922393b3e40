package org.bulwark.qmgr;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Postfix's {@code delay=} and {@code delays=} numbers (format_tv with two significant digits and
 * {@code delay_logging_resolution_limit = 2}): whole seconds from 10 s up, otherwise two
 * significant digits, at most two decimals, trailing zeros dropped: {@code 36}, {@code 1.2},
 * {@code 0.12}, {@code 0.1}, {@code 0}.
 */
final class DelayFormat {

    private DelayFormat() {
    }

    static String seconds(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return "0";
        }
        BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        if (s.compareTo(BigDecimal.TEN) >= 0) {
            return s.setScale(0, RoundingMode.HALF_UP).toPlainString();
        }
        BigDecimal rounded = s.round(new MathContext(2, RoundingMode.HALF_UP));
        if (rounded.scale() > 2) {
            rounded = rounded.setScale(2, RoundingMode.HALF_UP);
        }
        if (rounded.signum() == 0) {
            return "0";
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    /** {@code a/b/c/d}: before the queue manager, in it, connection setup, transmission. */
    static String delays(Duration beforeQmgr, Duration inQmgr, Duration setup, Duration transmission) {
        return seconds(beforeQmgr) + "/" + seconds(inQmgr) + "/" + seconds(setup) + "/" + seconds(transmission);
    }
}
