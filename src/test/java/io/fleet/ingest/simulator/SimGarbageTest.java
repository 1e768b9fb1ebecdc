package io.fleet.ingest.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.simulator.GarbageScenario.Page;
import io.fleet.ingest.simulator.ServedRows.Echo;
import io.fleet.ingest.simulator.ServedRows.Row;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Vendor garbage: seeded, shared out as asked, of every kind, still JSON, and told truthfully. */
class SimGarbageTest {
  private static final List<String> METHODS = List.copyOf(VendorGarbage.ALIASES.values());
  private static final Set<String> UNPAGED =
      Set.of(SimMethods.MILEAGE, SimMethods.DEVICES, SimMethods.LOCATIONS, SimMethods.TRACK);

  private static String encode(List<Page> pages) {
    return pages.stream().map(p -> p.fields().encode()).collect(Collectors.joining("\n"));
  }

  @Test
  void aSeedServesTheSameGarbageEveryTimeAndAnotherSeedOther() {
    GarbageScenario a = new GarbageScenario(VendorGarbage.of(7, 0.3));
    GarbageScenario b = new GarbageScenario(VendorGarbage.of(7, 0.3));
    String served = encode(a.readAll());
    assertThat(encode(b.readAll())).isEqualTo(served);
    for (String m : METHODS) {
      assertThat(b.served.rows(m)).isEqualTo(a.served.rows(m)).isNotEmpty();
    }
    assertThat(encode(new GarbageScenario(VendorGarbage.of(8, 0.3)).readAll()))
        .isNotEqualTo(served);
    // The fate of a row hangs on its key, not on the call: a second read breaks it the same way.
    assertThat(encode(a.readAll())).isEqualTo(served);
  }

  @Test
  void withoutGarbageOrAtShareZeroTheAnswersAreTheCleanOnes() {
    List<Page> clean = new GarbageScenario(VendorGarbage.none()).readAll();
    GarbageScenario zero = new GarbageScenario(VendorGarbage.of(7, 0));
    assertThat(encode(zero.readAll())).isEqualTo(encode(clean));
    for (String m : METHODS) {
      assertThat(zero.served.rows(m))
          .isNotEmpty()
          .allSatisfy(
              r -> {
                assertThat(r.clean()).isTrue();
                assertThat(r.echo()).isNull();
                assertThat(r.served()).isOne();
              });
    }
    GarbageScenario alarmsOnly = new GarbageScenario(VendorGarbage.of(7, 0.5, "alarms"));
    List<Page> pages = alarmsOnly.readAll();
    assertThat(pages).hasSameSizeAs(clean);
    for (int i = 0; i < pages.size(); i++) {
      if (!pages.get(i).method().equals(SimMethods.ALARMS)) {
        assertThat(pages.get(i).fields().encode()).isEqualTo(clean.get(i).fields().encode());
      }
    }
    assertThat(alarmsOnly.served.rows(SimMethods.TRIPS)).isEmpty();
  }

  @Test
  void theShareOfRowsPickedIsRoughlyTheShareAsked() {
    GarbageScenario s = new GarbageScenario(VendorGarbage.of(11, 0.2));
    s.readAll();
    long picked = 0;
    long total = 0;
    for (String m : METHODS) {
      List<Row> rows = s.served.rows(m);
      long p = rows.stream().filter(r -> !r.clean() || r.echo() != null).count();
      if (rows.size() >= 500) {
        assertThat((double) p / rows.size()).as(m).isBetween(0.12, 0.28);
      }
      picked += p;
      total += rows.size();
    }
    assertThat(total).isGreaterThan(3000);
    assertThat((double) picked / total).isBetween(0.17, 0.23);
  }

  @Test
  void everyKindIsServedKeyFieldsIncludedAndRandomTextDoesNotCompress() throws IOException {
    GarbageScenario s = new GarbageScenario(VendorGarbage.of(3, 1.0));
    List<Page> pages = s.readAll();
    Set<Mutation.Kind> kinds = EnumSet.noneOf(Mutation.Kind.class);
    for (String m : METHODS) {
      List<Row> mutated = s.served.mutated(m);
      assertThat(mutated).as(m).isNotEmpty();
      assertThat(mutated).as(m).anySatisfy(r -> assertThat(r.mutation().keyField()).isTrue());
      mutated.forEach(r -> kinds.add(r.mutation().kind()));
      Set<Echo> echoes =
          s.served.rows(m).stream()
              .map(Row::echo)
              .filter(e -> e != null)
              .collect(Collectors.toSet());
      if (UNPAGED.contains(m)) {
        assertThat(echoes).as(m).doesNotContain(Echo.REPEAT_ON_NEXT_PAGE);
      } else if (s.served.rows(m).size() > 100) {
        assertThat(echoes).as(m).containsExactlyInAnyOrder(Echo.values());
      }
    }
    assertThat(kinds).containsExactlyInAnyOrder(Mutation.Kind.values());
    assertThat(
            s.served.mutated(SimMethods.ALARMS).stream()
                .map(r -> r.mutation().kind())
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(Mutation.Kind.values());

    String text = randomText(pages);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(utf8);
    }
    assertThat(text.length()).isGreaterThanOrEqualTo(Mutator.OVERSIZED_CHARS);
    // ~8.6 bits of entropy a character: gzip cannot bring it below one byte a character.
    assertThat(gz.size()).isGreaterThan(text.length());
  }

  /** The first oversized text served. */
  private static String randomText(List<Page> pages) {
    for (Page p : pages) {
      for (JsonObject row : p.rows()) {
        for (Map.Entry<String, Object> e : row) {
          if (e.getValue() instanceof String t && t.length() >= Mutator.OVERSIZED_CHARS) {
            return t;
          }
        }
      }
    }
    throw new AssertionError("no oversized text served");
  }

  @Test
  void theGroundTruthIsWhatWasServed() {
    Map<String, Map<String, String>> cleanKeyOf = new HashMap<>();
    for (Page p : new GarbageScenario(VendorGarbage.none()).readAll()) {
      for (JsonObject row : p.rows()) {
        String enc = row.encode();
        String previous =
            cleanKeyOf
                .computeIfAbsent(p.method(), m -> new HashMap<>())
                .put(enc, GarbageScenario.key(p, row));
        assertThat(previous).as("clean rows are distinct").isNull();
      }
    }
    GarbageScenario s = new GarbageScenario(VendorGarbage.of(5, 0.3));
    Map<String, Map<String, Integer>> cleanServed = new HashMap<>();
    Map<String, Integer> brokenServed = new HashMap<>();
    Map<String, Integer> unkeyed = new HashMap<>();
    for (Page p : s.readAll()) {
      for (JsonObject row : p.rows()) {
        String key = cleanKeyOf.get(p.method()).get(row.encode());
        if (key != null) {
          cleanServed.computeIfAbsent(p.method(), m -> new HashMap<>()).merge(key, 1, Integer::sum);
          continue;
        }
        brokenServed.merge(p.method(), 1, Integer::sum);
        // A row broken outside its key is found by it; the others are counted below.
        Row truth = keyed(s.served, p, row);
        if (truth != null && !truth.mutation().keyField()) {
          assertThat(shows(row, truth.mutation())).as(truth.toString()).isTrue();
        } else {
          unkeyed.merge(p.method(), 1, Integer::sum);
        }
      }
    }
    for (String m : METHODS) {
      List<Row> rows = s.served.rows(m);
      assertThat(rows.stream().map(Row::key).collect(Collectors.toSet()))
          .as("every row served is recorded under its clean key")
          .isEqualTo(Set.copyOf(cleanKeyOf.get(m).values()));
      Map<String, Integer> seen = cleanServed.getOrDefault(m, Map.of());
      for (Row r : rows) {
        assertThat(r.servedClean()).as(r.toString()).isEqualTo(seen.getOrDefault(r.key(), 0));
        if (r.echo() == Echo.DUPLICATE_IN_PAGE) {
          assertThat(r.servedClean()).isEqualTo(2);
        }
        if (!r.clean()) {
          assertThat(r.echo()).isNull();
          assertThat(r.mutation().keyField())
              .isEqualTo(Mutator.keyFields(m).contains(r.mutation().field()));
        }
      }
      assertThat(rows.stream().mapToInt(Row::servedMutated).sum())
          .as(m)
          .isEqualTo(brokenServed.getOrDefault(m, 0))
          .isPositive();
      assertThat(
              rows.stream()
                  .filter(r -> r.mutation() != null && r.mutation().keyField())
                  .mapToInt(Row::servedMutated)
                  .sum())
          .as(m)
          .isEqualTo(unkeyed.getOrDefault(m, 0));
      if (rows.size() > 500) {
        assertThat(rows).as(m).anySatisfy(r -> assertThat(r.echo()).isNotNull());
      }
    }
  }

  /** The truth of a broken row found by its key, if its key fields still read. */
  private static Row keyed(ServedRows served, Page p, JsonObject row) {
    try {
      return served
          .row(p.method(), GarbageScenario.key(p, row))
          .filter(r -> !r.clean())
          .orElse(null);
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /** Whether {@code row} shows {@code m}: the field holds what the kind says. */
  private static boolean shows(JsonObject row, Mutation m) {
    Object v = row.getValue(m.field());
    return switch (m.kind()) {
      case OVERSIZED_STRING -> v instanceof String s && s.length() >= Mutator.OVERSIZED_CHARS;
      case INTEGER_BEYOND_32_BITS ->
          v instanceof Long l && l > Integer.MAX_VALUE && l.toString().equals(m.detail());
      case INTEGER_BEYOND_64_BITS ->
          v instanceof BigInteger b && b.bitLength() > 63 && b.toString().equals(m.detail());
      case NUL_CHARACTER -> v instanceof String s && s.indexOf('\0') >= 0;
      case LONE_SURROGATE -> v instanceof String s && hasLoneSurrogate(s);
      case NUMBER_FOR_STRING -> v instanceof Number;
      case STRING_FOR_NUMBER -> v instanceof String s && Lenient.parseDouble(s).isEmpty();
      case MISSING_KEY -> !row.containsKey(m.field());
    };
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void loneSurrogatesAreEscapedSoTheyReachTheClientAndPairsAreLeftAlone() {
    String json = new JsonObject().put("a", "x\uD83Dy\uDC00").put("b", "\uD83D\uDE00").encode();
    String wire = GarbageMaker.escapeLoneSurrogates(json);
    assertThat(wire).contains("x\\ud83dy\\udc00").contains("\uD83D\uDE00");
    JsonObject back =
        new JsonObject(new String(wire.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    assertThat(back.getString("a")).isEqualTo("x\uD83Dy\uDC00");
    assertThat(back.getString("b")).isEqualTo("\uD83D\uDE00");
    String plain = new JsonObject().put("a", "plain").encode();
    assertThat(GarbageMaker.escapeLoneSurrogates(plain)).isSameAs(plain);
  }

  @Test
  void methodsAreNamedInFullOrByAlias() {
    assertThat(VendorGarbage.parse(1, 0.2, "alarms,trips").methods())
        .containsExactlyInAnyOrder(SimMethods.ALARMS, SimMethods.TRIPS);
    assertThat(VendorGarbage.parse(1, 0.2, "all").methods())
        .containsExactlyInAnyOrderElementsOf(METHODS);
    assertThat(VendorGarbage.of(1, 0.2).methods()).containsExactlyInAnyOrderElementsOf(METHODS);
    assertThat(VendorGarbage.of(1, 0.2, SimMethods.PARKING).covers(SimMethods.PARKING)).isTrue();
    assertThat(VendorGarbage.none().covers(SimMethods.ALARMS)).isFalse();
    assertThatThrownBy(() -> VendorGarbage.parse(1, 0.2, "alarms,nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> VendorGarbage.of(1, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VendorGarbage.of(1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
