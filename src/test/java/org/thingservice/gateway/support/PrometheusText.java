package org.thingservice.gateway.support;

/** Reading the Prometheus text that /observe/metrics answers. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The sum of a counter's samples whose labels contain this text (0 when there is none). */
    public static double sum(String text, String name, String labels) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).filter(l -> l.contains(labels))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
