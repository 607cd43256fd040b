package org.thingservice.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing server binary skips a test on a developer machine but fails it in CI, and says what to install. */
class ExternalBinariesTest {

    private static final List<Path> NOWHERE = List.of(Path.of("/nonexistent/tsg-no-such-binary"));

    @Test
    void missingBinarySkipsTheTestNamingTheAptPackage() {
        assertThatThrownBy(() -> ExternalBinaries.require("tsg-no-such-binary", "tsg-package", NOWHERE, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install -y tsg-package");
    }

    @Test
    void missingBinaryFailsTheTestWhenBinariesAreRequired() {
        assertThatThrownBy(() -> ExternalBinaries.require("tsg-no-such-binary", "tsg-package", NOWHERE, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("apt-get install -y tsg-package")
                .hasMessageContaining(ExternalBinaries.REQUIRE_VARIABLE);
    }

    @Test
    void binaryIsFoundOnThePathWhenNotAtAKnownLocation() {
        // every POSIX system has sh on PATH; the known location given does not exist
        assertThat(ExternalBinaries.require("sh", "dash", NOWHERE, true)).isExecutable().hasFileName("sh");
    }
}
