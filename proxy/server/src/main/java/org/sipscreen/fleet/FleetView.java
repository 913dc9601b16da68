package org.sipscreen.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The fleet's members as one table, each with its drift: what it runs that differs from what most members
 * run (its config hash, or a list's content version, or a list the others do not have).
 */
public record FleetView(List<Row> members) {

  /** A member and where it drifts ({@code config}, {@code list:<name>}); empty when it agrees. */
  public record Row(FleetMember member, List<String> drift) {}

  /** The view of {@code members}, sorted by id. */
  public static FleetView of(List<FleetMember> members) {
    List<FleetMember> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparing(FleetMember::id));
    String config = majority(sorted, FleetMember::configHash);
    Set<String> listNames = new TreeSet<>();
    sorted.forEach(m -> listNames.addAll(m.lists().keySet()));
    Map<String, String> listVersions = new HashMap<>();
    for (String name : listNames) {
      listVersions.put(name, majority(sorted, m -> m.lists().getOrDefault(name, "")));
    }
    List<Row> rows = new ArrayList<>();
    for (FleetMember m : sorted) {
      List<String> drift = new ArrayList<>();
      if (!m.configHash().equals(config)) {
        drift.add("config");
      }
      for (String name : listNames) {
        if (!m.lists().getOrDefault(name, "").equals(listVersions.get(name))) {
          drift.add("list:" + name);
        }
      }
      rows.add(new Row(m, List.copyOf(drift)));
    }
    return new FleetView(List.copyOf(rows));
  }

  /** Members that drift. */
  public long drifting() {
    return members.stream().filter(r -> !r.drift().isEmpty()).count();
  }

  /** The value most members have; ties go to the smallest value, so every member computes the same. */
  private static String majority(List<FleetMember> members, Function<FleetMember, String> value) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    members.forEach(m -> counts.merge(value.apply(m), 1, Integer::sum));
    return counts.entrySet().stream()
        .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
        .map(Map.Entry::getKey).orElse("");
  }
}
