package io.dynup.lua.lib;

import java.math.BigDecimal;
import java.math.MathContext;

import party.iroiro.luajava.Lua;

/** Lua's own names and texts for values, for messages that quote them. */
final class LuaValues {

    private LuaValues() {
    }

    /** {@code type(v)} as Lua says it: light userdata is "userdata" too. */
    static String typeName(Lua.LuaType type) {
        return switch (type) {
            case NIL, NONE -> "nil";
            case BOOLEAN -> "boolean";
            case NUMBER -> "number";
            case STRING -> "string";
            case TABLE -> "table";
            case FUNCTION -> "function";
            case THREAD -> "thread";
            case USERDATA, LIGHTUSERDATA -> "userdata";
        };
    }

    /** {@code tostring(n)}: C's {@code %.14g}, so 7 is "7", 0.1 is "0.1", 1e15 is "1e+15". */
    static String numberText(double n) {
        if (Double.isNaN(n)) {
            return "nan";
        }
        if (Double.isInfinite(n)) {
            return n > 0 ? "inf" : "-inf";
        }
        if (n == 0) {
            return 1 / n < 0 ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(n).round(new MathContext(14)).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= 14) {
            String digits = d.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (n < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                   + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return d.toPlainString();
    }
}
