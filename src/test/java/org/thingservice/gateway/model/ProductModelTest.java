package org.thingservice.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProductModelTest {

    private static final ThingModel DEFAULT = ThingModel.parse("""
            {"profile":{"productKey":"p"},"services":[{"identifier":"Ping","callType":"sync","inputData":[]}]}""");
    private static final ThingModel MODULE = ThingModel.parse("""
            {"profile":{"productKey":"p"},"functionBlockId":"fb","services":[{"identifier":"Ping","callType":"async"}]}""");
    private static final ThingModel FREE = ThingModel.parse("""
            {"profile":{"productKey":"p","checkType":"free"},"services":[{"identifier":"Ping","callType":"sync"}]}""");

    @Test
    void aPlainIdentifierResolvesInTheDefaultTslAndModuleColonServiceInThatModule() {
        ProductModel model = new ProductModel(DEFAULT, Map.of("fb", MODULE));

        assertThat(model.service("Ping")).hasValueSatisfying(s -> {
            assertThat(s.identifier()).isEqualTo("Ping");
            assertThat(s.sync()).isTrue();
        });
        assertThat(model.service("fb:Ping")).hasValueSatisfying(s -> {
            assertThat(s.identifier()).as("published as given").isEqualTo("fb:Ping");
            assertThat(s.sync()).isFalse();
            assertThat(s.checked()).isTrue();
        });
        assertThat(model.service("other:Ping")).isEmpty();
        assertThat(model.service("fb:Nope")).isEmpty();
    }

    @Test
    void aVerificationFreeProductsServicesAreAsyncAndUnchecked() {
        assertThat(new ProductModel(FREE, Map.of()).service("Ping")).hasValueSatisfying(s -> {
            assertThat(s.sync()).isFalse();
            assertThat(s.checked()).isFalse();
        });
    }

    @Test
    void theTslSaysWhichModuleItIsAndWhetherItIsVerificationFree() {
        assertThat(DEFAULT.functionBlockId()).isNull();
        assertThat(MODULE.functionBlockId()).isEqualTo("fb");
        assertThat(DEFAULT.verificationFree()).isFalse();
        assertThat(FREE.verificationFree()).isTrue();
        assertThatThrownBy(() -> ThingModel.parse("{\"profile\":{\"productKey\":\"p\"},\"functionBlockId\":\"no-dash\"}"))
                .hasMessageContaining("functionBlockId");
    }
}
