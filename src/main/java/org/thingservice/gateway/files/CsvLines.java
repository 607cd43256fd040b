package org.thingservice.gateway.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * RFC 4180 cells of one CSV line, by commons-csv: comma separated, a quoted cell may hold commas and "" for a quote.
 * One line is one request: a line whose quoted cell is not closed is an error of that line alone, and the lines
 * after it are read as usual.
 */
final class CsvLines {

    /** RFC 4180; text after a closing quote stays in the cell ("a"b reads ab) */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setTrailingData(true).get();
    /**
     * Stands for a CR inside the line while commons-csv reads it, which would take a lone CR for the end of a record:
     * a lone surrogate, which no text decoded from UTF-8 (BatchFiles refuses anything else) can hold.
     */
    private static final char CR_STAND_IN = '\uDFFF';

    private CsvLines() {
    }

    static List<String> cells(String line) {
        try (CSVParser parser = CSVParser.parse(line.replace('\r', CR_STAND_IN), FORMAT)) {
            List<String> cells = new ArrayList<>();
            Iterator<CSVRecord> records = parser.iterator();
            if (records.hasNext()) {
                records.next().forEach(cell -> cells.add(cell.replace(CR_STAND_IN, '\r')));
            } else {
                cells.add(""); // an empty line is one empty cell
            }
            return cells;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("a quoted cell is not closed");
        }
    }
}
