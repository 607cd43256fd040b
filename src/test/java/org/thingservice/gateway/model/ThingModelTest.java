package org.thingservice.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThingModelTest {

    @Test
    void readsTheSampleProductsServicesAndTheirCallType() throws Exception {
        ThingModel model = ThingModel.parse(Files.readString(Path.of("registry/a1LampDemo1.json")));

        assertThat(model.productKey()).isEqualTo("a1LampDemo1");
        assertThat(model.service("Blink")).hasValueSatisfying(s -> assertThat(s.sync()).isTrue());
        assertThat(model.service("SetColor")).hasValueSatisfying(s -> assertThat(s.sync()).isFalse());
        assertThat(model.service("Missing")).isEmpty();
    }

    @Test
    void aServiceWithoutCallTypeIsAsyncAsOnAlibaba() {
        ThingModel model = ThingModel.parse("{\"profile\":{\"productKey\":\"p\"},\"services\":[{\"identifier\":\"s\"}]}");

        assertThat(model.service("s")).hasValueSatisfying(s -> assertThat(s.sync()).isFalse());
    }

    @Test
    void aTslWithoutProductKeyOrNotJsonIsRefused() {
        assertThatThrownBy(() -> ThingModel.parse("{\"services\":[]}")).hasMessageContaining("productKey");
        assertThatThrownBy(() -> ThingModel.parse("{nope")).hasMessageContaining("not JSON");
    }
}
