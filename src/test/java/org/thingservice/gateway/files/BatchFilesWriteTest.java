package org.thingservice.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.InvokeThingServiceResponse;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Exchanges;

/** The result file's shape, without a running gateway. */
class BatchFilesWriteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void xmlResultFilesCarryLineNumberRequestIdAndTheAlibabaResponse() throws Exception {
        Batch batch = new Batch("b<1>.csv", "id", List.of(new Batch.Line(0, 2, JSON.createObjectNode(), null),
                new Batch.Line(1, 3, JSON.createObjectNode(), null)));
        batch.record(1, JSON.readTree("{\"RequestId\":\"r2\",\"Code\":\"MissingParameter\",\"Message\":\"no <Args>\"}"), "MissingParameter", false);
        batch.record(0, JSON.readTree("{\"RequestId\":\"r1\",\"Success\":true,\"Data\":{\"Result\":\"{}\",\"MessageId\":\"7\"}}"), "Success", false);
        BatchFiles files = new BatchFiles(ResponseFormat.XML, false, 10, 1000, Path.of("error"), () -> true);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchanges.BATCH, batch);

        assertThat(files.resultName(exchange)).isEqualTo("b<1>.results.xml");
        assertThat(files.write(exchange)).isEqualTo("""
                <Results file="b&lt;1>.csv">
                <Result line="2" RequestId="r1"><InvokeThingServiceResponse><RequestId>r1</RequestId><Success>true</Success><Data><Result>{}</Result><MessageId>7</MessageId></Data></InvokeThingServiceResponse></Result>
                <Result line="3" RequestId="r2"><Error><RequestId>r2</RequestId><Code>MissingParameter</Code><Message>no &lt;Args></Message></Error></Result>
                </Results>
                """);
    }

    @Test
    void csvCellsMayBeQuotedWithCommasAndQuotes() {
        assertThat(CsvLines.cells("a,\"b,\"\"c\"\"\",,d")).containsExactly("a", "b,\"c\"", "", "d");
    }
}
