package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the pages in docs/ link to each other, to sections by their GitHub anchors, and to files of the
 * project; settings are documented once, in application.properties. A section renamed or moved, a file removed or a
 * setting renamed breaks a link without anyone noticing: this finds it.
 */
class DocsLinksTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    /** [text](target): the target up to ')' or a space (a link title) */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern GATEWAY_SETTING = Pattern.compile("`(gateway\\.[a-z]+\\.[a-z0-9.-]*[a-z0-9])");

    @Test
    void everyRelativeLinkNamesAFileThatExistsAndAHeadingItHas() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            Matcher link = LINK.matcher(withoutCode(read(page)));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(PROJECT.relativize(page) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(linked).contains(target.substring(hash + 1))) {
                    broken.add(PROJECT.relativize(page) + ": " + target + " (no such heading in " + PROJECT.relativize(linked) + ")");
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(30);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyPageInDocsIsLinkedFromTheReadme() throws IOException {
        String readme = read(PROJECT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            List<String> pages = docs.filter(p -> p.toString().endsWith(".md")).map(p -> p.getFileName().toString()).toList();
            assertThat(pages).isNotEmpty();
            assertThat(pages).as("pages in docs/ the README does not link to")
                    .filteredOn(page -> !Pattern.compile("\\]\\(docs/" + Pattern.quote(page) + "[#)]").matcher(readme).find())
                    .isEmpty();
        }
    }

    @Test
    void everyGatewaySettingTheDocumentationNamesIsInApplicationProperties() {
        Set<String> declared = new HashSet<>();
        for (String line : read(PROJECT.resolve("application.properties")).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                declared.add(line.substring(0, eq).trim());
            }
        }
        Set<String> unknown = new TreeSet<>();
        for (Path page : pages()) {
            Matcher setting = GATEWAY_SETTING.matcher(read(page));
            while (setting.find()) {
                if (!declared.contains(setting.group(1))) {
                    unknown.add(PROJECT.relativize(page) + ": " + setting.group(1));
                }
            }
        }
        assertThat(unknown).as("settings named in the documentation but not in application.properties").isEmpty();
    }

    /** README.md and docs/*.md */
    private static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** The anchors GitHub gives a Markdown file's headings; any other file has none. */
    private static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        if (!file.toString().endsWith(".md")) {
            return anchors;
        }
        for (String line : withoutCode(read(file)).split("\n")) {
            Matcher heading = Pattern.compile("^#{1,6} (.+)$").matcher(line);
            if (heading.matches()) {
                anchors.add(slug(heading.group(1)));
            }
        }
        return anchors;
    }

    /** GitHub's slug: lower case, punctuation dropped (letters, digits, '-' and '_' kept), each space a '-'. */
    static String slug(String heading) {
        return heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /** The text without its fenced code blocks, whose '#' lines are comments and whose brackets are code. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?ms)^```.*?^```", "");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
