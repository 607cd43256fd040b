package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.PackagedGateway;

/**
 * The web console in a real browser (Debian's chromium, headless, through its chromedriver) against the packaged jar
 * on its embedded defaults: the sample device lamp-1 is picked, Blink's form filled, the call made and its answer
 * read on the page. The browser's screenshot of the answered call is saved as target/console.png (and, with
 * -Dconsole.screenshot=docs/images/console.png, where the README shows it).
 */
@ExtendWith(ExternalBinaries.RequireChromium.class)
class ConsoleBrowserIT {

    private static final String KEY_ID = "ConsoleTestKeyId0001";
    private static final String KEY_SECRET = "ConsoleTestSecret0000000000000001";
    /** a call waits at most this for its answer on the page (the gateway's default sync timeout is 8 s) */
    private static final Duration ANSWER = Duration.ofSeconds(30);

    @TempDir
    Path workDir;
    private WebDriver browser;
    private WebDriverWait await;

    @BeforeEach
    void openBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ExternalBinaries.chromium().toFile());
        // as root (CI) chromium runs only without its sandbox; a profile of its own so runs do not share state
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createDirectories(workDir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(ExternalBinaries.chromedriver().toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        await = new WebDriverWait(browser, ANSWER);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aSyncServiceIsCalledFromItsFormAndARangeIsEnforced() throws Exception {
        try (PackagedGateway gateway = start("defaults.log", Map.of())) {
            browser.get(console(gateway));
            pickBlinkOnLamp1();
            assertThat(text("call-type")).startsWith("sync");
            assertThat(text("field-param1")).contains("int", "[0, 10]");

            fill("arg-param1", "3");
            browser.findElement(By.id("invoke")).click();
            WebElement answer = awaitAnswer();
            assertThat(answer.getAttribute("data-state")).as(text("answer")).isEqualTo("success");
            assertThat(text("answer-summary")).startsWith("Success: the device answered");
            assertThat(text("answer-result")).contains("\"code\": 200", "\"param1\": 3");
            // the call on record, read back from the gateway's history (QueryDeviceServiceData) on the page
            List<List<String>> history = await.until(driver -> historyRows(1));
            assertThat(history.get(0).get(1)).contains("Blink", "{\"param1\":3}");
            screenshot();

            // out of range: refused on the page, nothing sent
            fill("arg-param1", "11");
            browser.findElement(By.id("invoke")).click();
            assertThat(answer.getAttribute("data-state")).isEqualTo("refused");
            assertThat(text("problem-param1")).isEqualTo("Refused: above the maximum 10");

            // and without the page's own check, by the gateway's thing-model check
            browser.findElement(By.id("check-here")).click();
            browser.findElement(By.id("invoke")).click();
            awaitAnswer();
            assertThat(answer.getAttribute("data-state")).isEqualTo("failure");
            assertThat(answer.getAttribute("data-code")).isEqualTo("iot.common.InvalidFormattedParameter");
            assertThat(text("answer-summary")).contains("param1");
        }
    }

    /**
     * The history panel reads QueryDeviceServiceData in Alibaba's shape, which this test answers in the browser (the
     * action belongs to the history store: the page must show what it answers, whatever the gateway has).
     */
    @Test
    void anAsyncServiceIsAcceptedAndTheHistoryShowsLateReplies() throws Exception {
        try (PackagedGateway gateway = start("async.log", Map.of())) {
            answerHistoryInTheBrowser("""
                    {"RequestId":"history-stub","Success":true,"Data":{"NextValid":true,"NextTime":1764400000000,"List":{"ServiceInfo":[
                      {"Time":"1764500000000","Identifier":"SetColor","Name":"Set the colour","InputData":"{\\"color\\":2}","OutputData":"{\\"code\\":200}","Late":true},
                      {"Time":"1764490000000","Identifier":"SetColor","Name":"Set the colour","InputData":"{\\"color\\":1}","OutputData":"{\\"code\\":200}","Late":false}]}}}""");
            browser.get(console(gateway));
            awaitOption("product", "a1LampDemo1");
            awaitOption("service", "SetColor");
            new Select(browser.findElement(By.id("service"))).selectByValue("SetColor");
            assertThat(text("call-type")).startsWith("async");
            new Select(browser.findElement(By.id("arg-color"))).selectByValue("2");
            fill("arg-label", "from the console");
            browser.findElement(By.id("invoke")).click();

            awaitAnswer();
            assertThat(browser.findElement(By.id("answer")).getAttribute("data-state")).as(text("answer")).isEqualTo("success");
            assertThat(text("answer-summary")).matches("Accepted: MessageId \\d+;.*");
            List<List<String>> rows = await.until(driver -> historyRows(2));
            assertThat(rows.get(0).get(0)).isEqualTo("late");
            assertThat(rows.get(0).get(1)).contains("2025-11-30 10:53:20.000 UTC", "SetColor", "{\"color\":2}", "late reply");
            assertThat(rows.get(1).get(1)).doesNotContain("late reply");
            assertThat(browser.findElement(By.id("history-more")).isDisplayed()).as("NextValid: older calls").isTrue();
        }
    }

    @Test
    void withAuthenticationOnTheConsoleSignsItsCallsWithTheKeyGiven() throws Exception {
        Path keys = Files.writeString(workDir.resolve("keys.csv"), "AccessKeyId,AccessKeySecret\n" + KEY_ID + "," + KEY_SECRET + "\n");
        // off loopback the console is served only when enabled; every address includes 127.0.0.1, where the browser goes
        try (PackagedGateway gateway = start("signed.log", Map.of("camel.server.host", "0.0.0.0",
                "gateway.auth.keys", keys.toString(), "gateway.console.enabled", "true"))) {
            browser.get(console(gateway));
            await.until(ExpectedConditions.textMatches(By.id("status"), java.util.regex.Pattern.compile(".+")));
            assertThat(text("status")).as("unsigned").contains("MissingParameter", "\"Signature\"");

            useKey(KEY_ID, "not-the-secret");
            await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "SignatureDoesNotMatch"));

            useKey(KEY_ID, KEY_SECRET);
            pickBlinkOnLamp1();
            assertThat(text("status")).isEmpty();
            fill("arg-param1", "7");
            browser.findElement(By.id("invoke")).click();
            awaitAnswer();
            assertThat(browser.findElement(By.id("answer")).getAttribute("data-state")).as(text("answer")).isEqualTo("success");
            assertThat(text("answer-result")).contains("\"param1\": 7");
            assertThat(gateway.log()).contains("InvokeThingService").contains("outcome=Success");
        }
    }

    @Test
    void offLoopbackTheConsoleIsOffUnlessEnabled() throws Exception {
        Path keys = Files.writeString(workDir.resolve("keys.csv"), "AccessKeyId,AccessKeySecret\n" + KEY_ID + "," + KEY_SECRET + "\n");
        try (PackagedGateway gateway = start("off.log", Map.of("camel.server.host", "0.0.0.0", "gateway.auth.keys", keys.toString()))) {
            HttpResponse<String> page = gateway.http().send(HttpRequest.newBuilder(URI.create(console(gateway))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(404);
            assertThat(page.body()).doesNotContain("Thing Service Gateway");
        }
    }

    /** The page's QueryDeviceServiceData calls answered in the browser with this answer, before the page loads. */
    private void answerHistoryInTheBrowser(String answer) throws Exception {
        String script = "const realFetch = window.fetch; window.fetch = (url, options) => "
                + "options && String(options.body).includes('Action=QueryDeviceServiceData') "
                + "? Promise.resolve(new Response(" + GatewayTestSupport.JSON.writeValueAsString(answer) + ", {status: 200})) : realFetch(url, options);";
        ((ChromeDriver) browser).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
    }

    private PackagedGateway start(String log, Map<String, String> settings) throws Exception {
        return PackagedGateway.start(workDir, log, settings);
    }

    private static String console(PackagedGateway gateway) {
        return "http://127.0.0.1:" + gateway.httpPort() + "/console/";
    }

    /**
     * The history table's rows as [class, text] when there are this many, else null: read in one go inside the page,
     * which rebuilds the table while it waits for a new call's record (element references would go stale).
     */
    @SuppressWarnings("unchecked")
    private List<List<String>> historyRows(int expected) {
        List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#history tbody tr')].map(r => [r.className, r.innerText]);");
        return rows.size() == expected ? rows : null;
    }

    private void pickBlinkOnLamp1() {
        awaitOption("product", "a1LampDemo1");
        awaitOption("device", "lamp-1");
        awaitOption("service", "Blink");
        new Select(browser.findElement(By.id("device"))).selectByValue("lamp-1");
        new Select(browser.findElement(By.id("service"))).selectByValue("Blink");
    }

    private void awaitOption(String select, String value) {
        await.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + select + " option[value='" + value + "']")));
    }

    private void useKey(String id, String secret) {
        if (browser.findElement(By.id("keys-panel")).getAttribute("open") == null) {
            browser.findElement(By.cssSelector("#keys-panel summary")).click();
        }
        fill("access-key-id", id);
        fill("access-key-secret", secret);
        browser.findElement(By.id("use-keys")).click();
    }

    private void fill(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    /** Until the call on the page has its answer (whatever it is). */
    private WebElement awaitAnswer() {
        await.until(driver -> !"waiting".equals(driver.findElement(By.id("answer")).getAttribute("data-state")));
        return browser.findElement(By.id("answer"));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void screenshot() throws Exception {
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", "console.png"), png);
        String wanted = System.getProperty("console.screenshot");
        if (wanted != null && !wanted.isBlank()) {
            Files.write(Path.of(wanted), png);
        }
    }
}
