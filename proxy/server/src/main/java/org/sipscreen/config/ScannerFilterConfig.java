package org.sipscreen.config;

import java.util.List;
import org.sipscreen.proxy.ScannerFilter;

/**
 * {@code scanner_filter}: requests whose User-Agent or From user contains one of these words are dropped
 * without an answer (never an emergency INVITE). On without a section, with the SIPVicious family's
 * User-Agents; {@code enabled: false} turns it off. A list given replaces its default.
 *
 * @param userAgents words matched in User-Agent, whole-word and case-insensitive
 * @param fromUsers words matched in the user part of the From URI
 */
public record ScannerFilterConfig(Boolean enabled, List<String> userAgents, List<String> fromUsers) {

  public static final ScannerFilterConfig DEFAULT = new ScannerFilterConfig(null, null, null);

  private static final int MAX_PATTERNS = 1000;

  public ScannerFilterConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    userAgents = userAgents == null ? ScannerFilter.DEFAULT_USER_AGENTS : List.copyOf(userAgents);
    fromUsers = fromUsers == null ? List.of() : List.copyOf(fromUsers);
    requirePatterns(userAgents, "user_agents");
    requirePatterns(fromUsers, "from_users");
  }

  private static void requirePatterns(List<String> patterns, String key) {
    if (patterns.size() > MAX_PATTERNS) {
      throw new IllegalArgumentException(key + " must have at most " + MAX_PATTERNS + " entries, has "
          + patterns.size());
    }
    for (String p : patterns) {
      if (p == null || p.isBlank() || p.length() > 128
          || !p.strip().chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(key + ": entries must be 1-128 printable ASCII characters, was '"
            + p + "'");
      }
    }
  }

  /** The filter the proxy runs. */
  public ScannerFilter filter() {
    return enabled ? new ScannerFilter(userAgents, fromUsers) : ScannerFilter.OFF;
  }
}
