package org.thingservice.gateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import org.thingservice.gateway.model.ArgsValidator.Violation;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each table row edits one value of a known-good Args object (addressed by JSON pointer) and states the
 * full expected message, or nothing when the edited Args must still be valid.
 */
class ArgsValidatorTest {

    private static final String CODE = "iot.common.InvalidFormattedParameter";
    private static final String ABSENT = "<absent>";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final JsonNode GREENHOUSE = tsl("greenhouse_controller.json");
    private static final JsonNode METER = tsl("numeric_specs_meter.json");
    private static final JsonNode BROKEN = tsl("broken_definitions.json");

    private static final String CONFIGURE_ARGS = """
            {
              "FanSpeed": 50, "WorkMode": 1, "Heater": 0, "TargetTemp": 21.5, "Humidity": 45.25,
              "Label": "greenhouse-1", "StartAt": "1700000000000",
              "Schedule": {"Enabled": 1, "Interval": 60, "Window": {"From": "1700000000000", "To": "1700003600000"}},
              "Thresholds": [
                {"Level": 10, "Action": 0, "Note": "low"},
                {"Level": 50, "Action": 0, "Note": "mid"},
                {"Level": 90, "Action": 1, "Note": "high"}
              ],
              "Weights": [1, 2, 3], "Tags": ["north", "温室"], "Offsets": [0.5, -1.25], "Gains": [1.0]
            }""";

    private static final String CALIBRATE_ARGS = """
            {"Gain": 0, "Count": 0, "Ratio": 1.0, "Limit": 0.5, "Name": "x", "Flag": 0, "Stamp": 0}""";

    private static final ArgsValidator STRICT = new ArgsValidator(false);
    private static final ArgsValidator LENIENT = new ArgsValidator(true);

    // ---------------------------------------------------------------- one table per TSL data type

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /FanSpeed          | 50            |
            /FanSpeed          | 0             |
            /FanSpeed          | 100           |
            /FanSpeed          | -5            | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got -5 (TSL 6306)
            /FanSpeed          | 105           | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got 105 (TSL 6306)
            /FanSpeed          | 7             | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got 7 (TSL 6306)
            /FanSpeed          | 50.0          | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got 50.0 (TSL 6306)
            /FanSpeed          | 5e1           | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got 50.0 (TSL 6306)
            /FanSpeed          | "50"          | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got "50" (TSL 6306)
            /FanSpeed          | true          | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got true (TSL 6306)
            /FanSpeed          | null          | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got null (TSL 6306)
            /FanSpeed          | 4294967346    | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got 4294967346 (TSL 6306)
            /Schedule/Interval | 1             |
            /Schedule/Interval | 3600          |
            /Schedule/Interval | 0             | Args.Schedule.Interval: expected an int in [1, 3600] in steps of 1, got 0 (TSL 6306)
            /Schedule/Interval | 3601          | Args.Schedule.Interval: expected an int in [1, 3600] in steps of 1, got 3601 (TSL 6306)
            """)
    void intIsA32BitWholeNumberWithinBoundsOnStep(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /TargetTemp | 21.5     |
            /TargetTemp | -40.0    |
            /TargetTemp | 120.0    |
            /TargetTemp | 1.2e1    |
            /TargetTemp | 21       | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5 written with a decimal point (e.g. 10.0), got 21 (TSL 6307)
            /TargetTemp | -40.5    | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5, got -40.5 (TSL 6307)
            /TargetTemp | 120.5    | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5, got 120.5 (TSL 6307)
            /TargetTemp | 21.3     | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5, got 21.3 (TSL 6307)
            /TargetTemp | "21.5"   | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5, got "21.5" (TSL 6307)
            /TargetTemp | null     | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5, got null (TSL 6307)
            /Offsets    | [3.4e38] |
            /Offsets    | [3.5e38] | Args.Offsets[0]: expected a float within the 32-bit range, got 3.5E38 (TSL 6324)
            /Offsets    | [1]      | Args.Offsets[0]: expected a float written with a decimal point (e.g. 10.0), got 1 (TSL 6324)
            """)
    void floatNeedsADecimalPointAndMustFitBoundsStepAnd32Bits(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /Humidity | 0.0                       |
            /Humidity | 100.0                     |
            /Humidity | 45.01                     |
            /Humidity | 0.07                      |
            /Humidity | -0.01                     | Args.Humidity: expected a double in [0, 100] in steps of 0.01, got -0.01 (TSL 6322)
            /Humidity | 100.01                    | Args.Humidity: expected a double in [0, 100] in steps of 0.01, got 100.01 (TSL 6322)
            /Humidity | 45.005                    | Args.Humidity: expected a double in [0, 100] in steps of 0.01, got 45.005 (TSL 6322)
            /Humidity | 45                        | Args.Humidity: expected a double in [0, 100] in steps of 0.01 written with a decimal point (e.g. 10.0), got 45 (TSL 6322)
            /Humidity | "45.0"                    | Args.Humidity: expected a double in [0, 100] in steps of 0.01, got "45.0" (TSL 6322)
            /Gains    | [1.7976931348623157E308]  |
            /Gains    | [1e400]                   | Args.Gains[0]: expected a double within the 64-bit range, got Infinity (TSL 6324)
            /Gains    | [2]                       | Args.Gains[0]: expected a double written with a decimal point (e.g. 10.0), got 2 (TSL 6324)
            """)
    void doubleNeedsADecimalPointAndMustFitBoundsAndStep(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /Label              | ""                                 |
            /Label              | "abcdefghijklmnop"                 |
            /Label              | "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀" |
            /Label              | "abcdefghijklmnopq"                | Args.Label: expected text of at most 16 characters, got "abcdefghijklmnopq" (17 characters) (TSL 6310)
            /Label              | 42                                 | Args.Label: expected text of at most 16 characters, got 42 (TSL 6310)
            /Label              | ["a"]                              | Args.Label: expected text of at most 16 characters, got ["a"] (TSL 6310)
            /Thresholds/0/Note  | "😀😀😀😀"                         |
            /Thresholds/0/Note  | "温室温室"                         |
            /Thresholds/0/Note  | "😀😀😀😀😀"                       | Args.Thresholds[0].Note: expected text of at most 4 characters, got "😀😀😀😀😀" (5 characters) (TSL 6310)
            /Thresholds/0/Note  | "温室温室温"                       | Args.Thresholds[0].Note: expected text of at most 4 characters, got "温室温室温" (5 characters) (TSL 6310)
            """)
    void textLengthIsCountedInCharactersNotUtf16UnitsOrBytes(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /StartAt | "0"                    |
            /StartAt | "9223372036854775807"  |
            /StartAt | 1700000000000          |
            /StartAt | 0                      |
            /StartAt | "2023-11-14"           | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "2023-11-14" (TSL 6311)
            /StartAt | ""                     | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "" (TSL 6311)
            /StartAt | "-1"                   | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "-1" (TSL 6311)
            /StartAt | "+1700000000000"       | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "+1700000000000" (TSL 6311)
            /StartAt | "١٧٠٠"                 | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "١٧٠٠" (TSL 6311)
            /StartAt | "99999999999999999999" | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "99999999999999999999" (TSL 6311)
            /StartAt | -1                     | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got -1 (TSL 6311)
            /StartAt | 1.7e12                 | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got 1.7E12 (TSL 6311)
            /StartAt | true                   | Args.StartAt: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got true (TSL 6311)
            """)
    void dateIsUtcMillisAsDigitStringOrNonNegativeInteger(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /Heater           | 0     |
            /Heater           | 1     |
            /Heater           | true  | Args.Heater: expected a bool as 0 (off) or 1 (on), got true; use 0 or 1, not JSON true/false (TSL 6308)
            /Heater           | false | Args.Heater: expected a bool as 0 (off) or 1 (on), got false; use 0 or 1, not JSON true/false (TSL 6308)
            /Heater           | 2     | Args.Heater: expected a bool as 0 (off) or 1 (on), got 2 (TSL 6308)
            /Heater           | -1    | Args.Heater: expected a bool as 0 (off) or 1 (on), got -1 (TSL 6308)
            /Heater           | 1.0   | Args.Heater: expected a bool as 0 (off) or 1 (on), got 1.0 (TSL 6308)
            /Heater           | "1"   | Args.Heater: expected a bool as 0 (off) or 1 (on), got "1" (TSL 6308)
            /Schedule/Enabled | 2     | Args.Schedule.Enabled: expected a bool as 0 (no) or 1 (yes), got 2 (TSL 6308)
            """)
    void boolIsZeroOrOneNeverJsonTrueOrFalse(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /WorkMode            | 0    |
            /WorkMode            | 2    |
            /WorkMode            | 3    | Args.WorkMode: expected one of 0 (off), 1 (auto), 2 (manual), got 3 (TSL 6309)
            /WorkMode            | -1   | Args.WorkMode: expected one of 0 (off), 1 (auto), 2 (manual), got -1 (TSL 6309)
            /WorkMode            | "1"  | Args.WorkMode: expected one of 0 (off), 1 (auto), 2 (manual), got "1" (TSL 6309)
            /WorkMode            | 1.0  | Args.WorkMode: expected one of 0 (off), 1 (auto), 2 (manual), got 1.0 (TSL 6309)
            /WorkMode            | true | Args.WorkMode: expected one of 0 (off), 1 (auto), 2 (manual), got true (TSL 6309)
            /Thresholds/1/Action | 2    | Args.Thresholds[1].Action: expected one of 0 (alarm), 1 (shutdown), got 2 (TSL 6309)
            """)
    void enumMustBeOneOfTheDeclaredKeys(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /Schedule/Window/To | "1800000000000"  |
            /Schedule           | 5                | Args.Schedule: expected a struct (JSON object) with members Enabled, Interval, Window, got 5 (TSL 6312)
            /Schedule           | [1, 60]          | Args.Schedule: expected a struct (JSON object) with members Enabled, Interval, Window, got [1,60] (TSL 6312)
            /Schedule           | null             | Args.Schedule: expected a struct (JSON object) with members Enabled, Interval, Window, got null (TSL 6312)
            /Schedule/Window    | <absent>         | Args.Schedule.Window: required struct member of type struct is missing (TSL 6312)
            /Schedule/Window/To | <absent>         | Args.Schedule.Window.To: required struct member of type date is missing (TSL 6312)
            /Schedule/Window/To | "soon"           | Args.Schedule.Window.To: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got "soon" (TSL 6311)
            /Schedule/Window    | {"From": "1"}    | Args.Schedule.Window.To: required struct member of type date is missing (TSL 6312)
            /Schedule/Extra     | 1                | Args.Schedule.Extra: unknown struct member is not declared in the TSL (declared: Enabled, Interval, Window) (TSL 6304)
            /Schedule/Window/X  | 1                | Args.Schedule.Window.X: unknown struct member is not declared in the TSL (declared: From, To) (TSL 6304)
            """)
    void structMembersAreAllRequiredAndValidatedRecursively(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /Thresholds         | []                     |
            /Weights            | [0, 255, 0, 255, 0]    |
            /Tags               | ["12345678"]           |
            /Thresholds/2/Level | 101                    | Args.Thresholds[2].Level: expected an int in [0, 100], got 101 (TSL 6306)
            /Thresholds/2/Level | -1                     | Args.Thresholds[2].Level: expected an int in [0, 100], got -1 (TSL 6306)
            /Thresholds/1/Note  | <absent>               | Args.Thresholds[1].Note: required struct member of type text is missing (TSL 6312)
            /Thresholds/1/Extra | 0                      | Args.Thresholds[1].Extra: unknown struct member is not declared in the TSL (declared: Level, Action, Note) (TSL 6304)
            /Thresholds/1       | "x"                    | Args.Thresholds[1]: expected a struct (JSON object) with members Level, Action, Note, got "x" (TSL 6324)
            /Thresholds         | {}                     | Args.Thresholds: expected an array of at most 4 struct elements, got {} (TSL 6328)
            /Thresholds         | [{}, {}, {}, {}, {}]   | Args.Thresholds: expected an array of at most 4 struct elements, got 5 elements (TSL 6324)
            /Weights            | [0, 1, 2, 3, 4, 5]     | Args.Weights: expected an array of at most 5 int elements, got 6 elements (TSL 6324)
            /Weights            | [1, 256]               | Args.Weights[1]: expected an int in [0, 255], got 256 (TSL 6324)
            /Weights            | [1, 2.0]               | Args.Weights[1]: expected an int in [0, 255], got 2.0 (TSL 6324)
            /Weights            | 1                      | Args.Weights: expected an array of at most 5 int elements, got 1 (TSL 6328)
            /Tags               | ["123456789"]          | Args.Tags[0]: expected text of at most 8 characters, got "123456789" (9 characters) (TSL 6324)
            /Tags               | ["ok", 1]              | Args.Tags[1]: expected text of at most 8 characters, got 1 (TSL 6324)
            /Tags               | "north"                | Args.Tags: expected an array of at most 3 text elements, got "north" (TSL 6328)
            """)
    void arrayElementsAreValidatedAsTheItemTypeAndSizeIsCapped(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), edit(CONFIGURE_ARGS, pointer, json)));
    }

    // ---------------------------------------------------------------- specs written as JSON numbers or left out

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /Gain  | -10                  |
            /Gain  | 10                   |
            /Gain  | 4                    |
            /Gain  | -12                  | Args.Gain: expected an int in [-10, 10] in steps of 2, got -12 (TSL 6306)
            /Gain  | 12                   | Args.Gain: expected an int in [-10, 10] in steps of 2, got 12 (TSL 6306)
            /Gain  | 3                    | Args.Gain: expected an int in [-10, 10] in steps of 2, got 3 (TSL 6306)
            /Count | 2147483647           |
            /Count | -2147483648          |
            /Count | 2147483648           | Args.Count: expected an int in [-2147483648, 2147483647], got 2147483648 (TSL 6306)
            /Count | -2147483649          | Args.Count: expected an int in [-2147483648, 2147483647], got -2147483649 (TSL 6306)
            /Count | 99999999999999999999 | Args.Count: expected an int in [-2147483648, 2147483647], got 99999999999999999999 (TSL 6306)
            /Ratio | 0.5                  |
            /Ratio | 3.4e38               |
            /Ratio | 0.49                 | Args.Ratio: expected a float of at least 0.5, got 0.49 (TSL 6307)
            /Ratio | 3.5e38               | Args.Ratio: expected a float within the 32-bit range, got 3.5E38 (TSL 6307)
            /Limit | 1.5                  |
            /Limit | -100.25              |
            /Limit | 1.75                 | Args.Limit: expected a double of at most 1.5 in steps of 0.25, got 1.75 (TSL 6322)
            /Limit | 0.3                  | Args.Limit: expected a double of at most 1.5 in steps of 0.25, got 0.3 (TSL 6322)
            /Name  | ""                   |
            /Name  | 1                    | Args.Name: expected text, got 1 (TSL 6310)
            /Flag  | 1                    |
            /Flag  | true                 | Args.Flag: expected a bool as 0 or 1, got true; use 0 or 1, not JSON true/false (TSL 6308)
            /Stamp | "0"                  |
            /Stamp | -1                   | Args.Stamp: expected a date as UTC milliseconds: a string of digits such as "1700000000000" or a non-negative integer, got -1 (TSL 6311)
            """)
    void numericSpecsAreAcceptedAndMissingSpecsMeanNoLimit(String pointer, String json, String expected) {
        assertOutcome(expected, STRICT.validate(service(METER, "Calibrate"), edit(CALIBRATE_ARGS, pointer, json)));
    }

    // ---------------------------------------------------------------- top level

    @ParameterizedTest(name = "allowUnknownKeys={0}: {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            false | /FanSpeed           | <absent> | Args.FanSpeed: required input of type int is missing (TSL 6302)
            true  | /FanSpeed           | <absent> | Args.FanSpeed: required input of type int is missing (TSL 6302)
            false | /Gains              | <absent> | Args.Gains: required input of type array is missing (TSL 6302)
            false | /Speed              | 50       | Args.Speed: unknown input is not declared in the TSL (declared: FanSpeed, WorkMode, Heater, TargetTemp, Humidity, Label, StartAt...) (TSL 6304)
            true  | /Speed              | 50       |
            true  | /Schedule/Extra     | 1        |
            true  | /Thresholds/0/Extra | "x"      |
            """)
    void everyInputIsRequiredAndUnknownKeysFollowTheFlag(boolean allowUnknownKeys, String pointer, String json, String expected) {
        Violation violation = new ArgsValidator(allowUnknownKeys).validate(configure(), edit(CONFIGURE_ARGS, pointer, json));
        assertOutcome(expected, violation);
    }

    static Stream<Arguments> servicesWithoutInputs() {
        JsonNode reboot = service(GREENHOUSE, "Reboot");
        return Stream.of(
                Arguments.of("[] inputData, {} Args", STRICT, reboot, "{}", null),
                Arguments.of("[] inputData, unknown key", STRICT, reboot, "{\"x\": 1}",
                        "Args.x: unknown input is not declared in the TSL (declared: none) (TSL 6304)"),
                Arguments.of("[] inputData, unknown key allowed", LENIENT, reboot, "{\"x\": 1}", null),
                Arguments.of("null inputData, {} Args", STRICT, null, "{}", null),
                Arguments.of("missing inputData, {} Args", STRICT, MissingNode.getInstance(), "{}", null),
                Arguments.of("null inputData, unknown key", STRICT, null, "{\"x\": 1}",
                        "Args.x: unknown input is not declared in the TSL (declared: none) (TSL 6304)"),
                Arguments.of("null Args against inputs", STRICT, configure(), null,
                        "Args.FanSpeed: required input of type int is missing (TSL 6302)"),
                Arguments.of("unknown key is reported before the missing one it misspells", STRICT, service(GREENHOUSE, "set"),
                        "{\"FanSpeed\": 5, \"WorkMod\": 1, \"Heater\": 0}",
                        "Args.WorkMod: unknown input is not declared in the TSL (declared: FanSpeed, WorkMode, Heater) (TSL 6304)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servicesWithoutInputs")
    void emptyOrMissingInputDataAcceptsOnlyEmptyArgs(String name, ArgsValidator validator, JsonNode inputData,
                                                     String args, String expected) {
        assertOutcome(expected, validator.validate(inputData, args == null ? null : (ObjectNode) json(args)));
    }

    // ---------------------------------------------------------------- hostile input

    static Stream<Arguments> nesting() {
        return Stream.of(
                Arguments.of("struct", 32, null),
                Arguments.of("struct", 33, "Args" + ".n".repeat(33) + ": nesting deeper than 32 levels is not supported (TSL 6312)"),
                Arguments.of("struct", 20_000, "Args" + ".n".repeat(33) + ": nesting deeper than 32 levels is not supported (TSL 6312)"),
                Arguments.of("array", 32, null),
                Arguments.of("array", 33, "Args.n" + "[0]".repeat(32) + ": nesting deeper than 32 levels is not supported (TSL 6324)"),
                Arguments.of("array", 20_000, "Args.n" + "[0]".repeat(32) + ": nesting deeper than 32 levels is not supported (TSL 6324)"));
    }

    @ParameterizedTest(name = "{1} nested {0}s")
    @MethodSource("nesting")
    void nestingDeeperThan32LevelsIsAViolationNotAStackOverflow(String kind, int levels, String expected) {
        ObjectNode dataType = NODES.objectNode().put("type", "int");
        JsonNode value = NODES.numberNode(5);
        for (int i = 0; i < levels; i++) {
            ObjectNode outer = NODES.objectNode().put("type", kind);
            if (kind.equals("struct")) {
                outer.putArray("specs").addObject().put("identifier", "n").set("dataType", dataType);
                value = NODES.objectNode().set("n", value);
            } else {
                outer.putObject("specs").put("size", "1").set("item", dataType);
                value = NODES.arrayNode().add(value);
            }
            dataType = outer;
        }
        ArrayNode inputData = NODES.arrayNode();
        inputData.addObject().put("identifier", "n").set("dataType", dataType);
        ObjectNode args = NODES.objectNode().set("n", value);

        assertOutcome(expected, STRICT.validate(inputData, args));
    }

    static Stream<Arguments> oversizedValues() {
        JsonNode deepArray = NODES.numberNode(1);
        for (int i = 0; i < 100_000; i++) {
            deepArray = NODES.arrayNode().add(deepArray);
        }
        ObjectNode longKey = (ObjectNode) json(CONFIGURE_ARGS);
        longKey.put("k".repeat(1000), 1);
        // Named, so that JUnit's display name never calls toString() on the hostile values.
        return Stream.of(
                Arguments.of(Named.of("100000-deep array as an int", edit(CONFIGURE_ARGS, "/FanSpeed", deepArray)),
                        "Args.FanSpeed: expected an int in [0, 100] in steps of 5, got " + "[".repeat(64) + "... (TSL 6306)"),
                Arguments.of(Named.of("100000-character text", edit(CONFIGURE_ARGS, "/Label", NODES.textNode("x".repeat(100_000)))),
                        "Args.Label: expected text of at most 16 characters, got \"" + "x".repeat(63)
                                + "... (100000 characters) (TSL 6310)"),
                Arguments.of(Named.of("emoji text cut between characters, not inside one",
                                edit(CONFIGURE_ARGS, "/Label", NODES.textNode("😀".repeat(100)))),
                        "Args.Label: expected text of at most 16 characters, got \"" + "😀".repeat(63)
                                + "... (100 characters) (TSL 6310)"),
                Arguments.of(Named.of("1000-character unknown key", longKey),
                        "Args." + "k".repeat(64) + "...: unknown input is not declared in the TSL (declared: FanSpeed, "
                                + "WorkMode, Heater, TargetTemp, Humidity, Label, StartAt...) (TSL 6304)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedValues")
    void offendingValuesAndKeysAreTruncatedTo64Characters(ObjectNode args, String expected) {
        assertOutcome(expected, STRICT.validate(configure(), args));
    }

    @ParameterizedTest(name = "{0} accepts 100000 characters")
    @CsvSource({"Name"})
    void textWithoutLengthSpecHasNoLimit(String member) {
        assertNull(STRICT.validate(service(METER, "Calibrate"),
                edit(CALIBRATE_ARGS, "/" + member, NODES.textNode("x".repeat(100_000)))));
    }

    // ---------------------------------------------------------------- the TSL itself is wrong

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            UnknownType        | {"Value": 1}   | Args.Value: the TSL declares unknown data type "long" (TSL 6317)
            NoType             | {"Value": 1}   | Args.Value: the TSL declares no dataType.type (TSL 6317)
            NoDataType         | {"Value": 1}   | Args.Value: the TSL declares no dataType.type (TSL 6317)
            NoIdentifier       | {"Value": 1}   | Args: the TSL inputData[0] has no identifier (TSL 6317)
            EnumWithoutSpecs   | {"Value": 0}   | Args.Value: the TSL declares an enum without values in specs (TSL 6317)
            StructWithoutSpecs | {"Value": {}}  | Args.Value: the TSL declares a struct without a specs array of members (TSL 6317)
            ArrayWithoutItem   | {"Value": []}  | Args.Value: the TSL declares an array without specs.item (TSL 6317)
            NonNumericSpec     | {"Value": 1}   | Args.Value: the TSL specs.min is not a usable number: "zero" (TSL 6317)
            ArrayOfUnknownType | {"Value": [1]} | Args.Value[0]: the TSL declares unknown data type "long" (TSL 6317)
            """)
    void brokenTslDefinitionsAreViolationsNamingTheProblem(String serviceId, String args, String expected) {
        assertOutcome(expected, LENIENT.validate(service(BROKEN, serviceId), (ObjectNode) json(args)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            get | {} | Args: the TSL inputData[0] has no identifier (TSL 6317)
            """)
    void propertyGetServiceListsIdentifiersNotParametersSoItCannotBeValidated(String serviceId, String args, String expected) {
        assertOutcome(expected, STRICT.validate(service(GREENHOUSE, serviceId), (ObjectNode) json(args)));
    }

    // ---------------------------------------------------------------- Args parsed with BigDecimal / BigInteger nodes
    // (Jackson strips trailing zeros from BigDecimal nodes, so 50.0 is shown as 5E+1 but is still not an int.)

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /FanSpeed   | 50       |
            /Humidity   | 45.01    |
            /TargetTemp | 21.5     |
            /TargetTemp | 21       | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5 written with a decimal point (e.g. 10.0), got 21 (TSL 6307)
            /FanSpeed   | 50.0     | Args.FanSpeed: expected an int in [0, 100] in steps of 5, got 5E+1 (TSL 6306)
            /Humidity   | 45.005   | Args.Humidity: expected a double in [0, 100] in steps of 0.01, got 45.005 (TSL 6322)
            /Offsets    | [3.5e38] | Args.Offsets[0]: expected a float within the 32-bit range, got 3.5E+38 (TSL 6324)
            /Gains      | [1e400]  | Args.Gains[0]: expected a double within the 64-bit range, got 1E+400 (TSL 6324)
            """)
    void argsParsedWithBigNumberNodesFollowTheSameRules(String pointer, String json, String expected) throws IOException {
        ObjectMapper exact = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
        ObjectNode args = (ObjectNode) exact.readTree(CONFIGURE_ARGS);
        set(args, pointer, exact.readTree(json));
        assertOutcome(expected, STRICT.validate(configure(), args));
    }

    // ---------------------------------------------------------------- helpers

    private static void assertOutcome(String expectedMessage, Violation violation) {
        if (expectedMessage == null) {
            assertNull(violation, () -> "expected valid Args, got " + violation);
            return;
        }
        assertNotNull(violation, "expected a violation: " + expectedMessage);
        assertEquals(CODE, violation.code());
        assertEquals(expectedMessage, violation.message());
    }

    private static JsonNode configure() {
        return service(GREENHOUSE, "Configure");
    }

    private static JsonNode service(JsonNode tsl, String identifier) {
        for (JsonNode service : tsl.get("services")) {
            if (identifier.equals(service.get("identifier").asText())) {
                return service.get("inputData");
            }
        }
        throw new IllegalArgumentException("no service " + identifier);
    }

    private static ObjectNode edit(String baseArgs, String pointer, String valueJson) {
        return edit(baseArgs, pointer, ABSENT.equals(valueJson) ? null : json(valueJson));
    }

    /** A fresh copy of baseArgs with the value at pointer replaced, or removed when value is null. */
    private static ObjectNode edit(String baseArgs, String pointer, JsonNode value) {
        ObjectNode args = (ObjectNode) json(baseArgs);
        set(args, pointer, value);
        return args;
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        JsonPointer path = JsonPointer.compile(pointer);
        JsonNode parent = root.at(path.head());
        JsonPointer last = path.last();
        if (parent instanceof ArrayNode array) {
            array.set(last.getMatchingIndex(), value);
        } else if (value == null) {
            ((ObjectNode) parent).remove(last.getMatchingProperty());
        } else {
            ((ObjectNode) parent).set(last.getMatchingProperty(), value);
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tsl(String file) {
        try (InputStream in = ArgsValidatorTest.class.getResourceAsStream("/tsl/" + file)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
