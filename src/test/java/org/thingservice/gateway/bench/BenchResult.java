package org.thingservice.gateway.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

record BenchResult(String name, int callers, long calls, long errors, String firstError, double seconds, long[] sortedNanos, long cpuNanos,
              Map<String, Long> cpuByGroup) {
    String cpuBreakdown() {
        StringBuilder out = new StringBuilder();
        cpuByGroup.forEach((group, nanos) -> {
            if (group.equals("gc count")) {
                out.append(String.format(Locale.ROOT, "(%d collections in the phase), ", nanos));
            } else if (group.equals("allocated bytes")) {
                out.append(String.format(Locale.ROOT, "allocated %.1f KB/call, ", calls == 0 ? 0 : nanos / 1024.0 / calls));
            } else if (calls > 0 && nanos / 1e3 / calls >= 1) {
                out.append(String.format(Locale.ROOT, "%s %.0f, ", group, nanos / 1e3 / calls));
            }
        });
        return out.length() == 0 ? "" : out.substring(0, out.length() - 2);
    }

    double throughput() {
        return calls / seconds;
    }

    /** CPU time of this whole JVM (broker, gateway, device and callers) per call: steadier than time when the machine is shared */
    double cpuMicrosPerCall() {
        return calls == 0 ? Double.NaN : cpuNanos / 1e3 / calls;
    }

    double meanMillis() {
        return sortedNanos.length == 0 ? Double.NaN : Arrays.stream(sortedNanos).average().orElse(0) / 1e6;
    }

    double percentileMillis(double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }
}
