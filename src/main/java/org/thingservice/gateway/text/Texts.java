package org.thingservice.gateway.text;

/** The one rule for echoing text a caller sent: a bounded number of code points, control characters made visible. */
public final class Texts {

    /**
     * At most {@code max} code points of {@code s}, followed by {@code ellipsis} when it was cut. Cuts at a code-point
     * boundary, so a clipped emoji never leaves half a surrogate pair behind.
     */
    public static String clip(String s, int max, String ellipsis) {
        if (s.length() <= max || s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max)) + ellipsis;
    }

    /**
     * At most {@code max} code points of a value (then "…"), control characters made visible: what a caller sent can
     * neither flood nor forge a log line (CR/LF) when it is echoed.
     */
    public static String shorten(String value, int max) {
        if (value.length() <= max && isPrintable(value)) {
            return value; // the common case (every call's log line shows its RequestId and Identifier)
        }
        String clipped = clip(value, max, "…");
        if (isPrintable(clipped)) {
            return clipped;
        }
        StringBuilder out = new StringBuilder(clipped.length() + 16);
        clipped.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** no control characters: nothing to make visible */
    private static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private Texts() {
    }
}
