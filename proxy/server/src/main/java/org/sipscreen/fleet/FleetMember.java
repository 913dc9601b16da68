package org.sipscreen.fleet;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one instance reports about itself into the fleet's member table (refreshed every few seconds,
 * forgotten when it stops): enough to reach it and to see whether it screens with the same config and
 * lists as the others.
 *
 * @param id the instance id ({@code fleet.instance_id})
 * @param version the sipscreen version and commit
 * @param adminUrl where its admin API answers
 * @param configHash a hash of what must agree across the fleet: {@code screening}, {@code peers} and
 *     {@code routing} as written (instance settings such as listeners, HTTP and the fleet section excluded)
 * @param lists each list's name and content version
 * @param lastReload when its running config was loaded (ISO-8601)
 * @param updatedMs when it last reported, epoch milliseconds of its clock
 */
public record FleetMember(String id, String version, String adminUrl, String configHash,
    Map<String, String> lists, String lastReload, long updatedMs) {

  public FleetMember {
    lists = new TreeMap<>(lists == null ? Map.of() : lists);
  }
}
