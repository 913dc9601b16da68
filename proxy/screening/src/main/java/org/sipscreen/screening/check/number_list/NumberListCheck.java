package org.sipscreen.screening.check.number_list;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.SipHeader;
import org.sipscreen.screening.Verdict;

/**
 * A block or tag list of calling numbers under a configured name (e.g. {@code block_list},
 * {@code tag_list}): a caller on the allow list continues (outcome "allowed", allow wins); otherwise a
 * caller on this list gets the configured verdict: from config the flag {@link #LISTED}, whose policy
 * action decides (see {@link NumberListModule}); a fixed Reject, Drop or Tag where code builds it.
 * Anonymous and unparseable callers are never on a list.
 */
public final class NumberListCheck implements Check {

  /** The flag category (and outcome label) of a listed caller. */
  public static final String LISTED = "listed";

  /** The default verdict for a listed caller: a deterministic block, not 603+ (DOMAIN.md). */
  public static final Verdict.Reject DECLINE = new Verdict.Reject(603, "Decline", List.of());

  private final String name;
  private final NumberList list;
  private final Verdict onListed;

  /** Rejects listed callers with {@link #DECLINE}. */
  public NumberListCheck(String name, NumberList list) {
    this(name, list, DECLINE);
  }

  /**
   * @param name snake_case check name, also the config key and metric label
   * @param list the numbers and prefixes
   * @param onListed the verdict for a listed caller: a Reject, Drop or Tag (see {@link #reject} and
   *     {@link #tag} for the configured forms)
   */
  public NumberListCheck(String name, NumberList list, Verdict onListed) {
    this.name = CheckOutcome.requireCheckName(name);
    this.list = Objects.requireNonNull(list, "list");
    Objects.requireNonNull(onListed, "onListed");
    if (onListed instanceof Verdict.Continue || onListed instanceof Verdict.Later) {
      throw new IllegalArgumentException("list check '" + name + "': the verdict for a listed caller must"
          + " be a Flag, Reject, Drop or Tag");
    }
    this.onListed = onListed;
  }

  /**
   * A reject verdict as configured for a list, with an optional {@code Reason} header (RFC 3326):
   * {@code Reason: SIP;cause=<status>;text="<reasonText>"}.
   *
   * @param reasonText printable text without quotes or backslashes, e.g. "Blocked by policy"
   */
  public static Verdict.Reject reject(int status, String reasonPhrase, Optional<String> reasonText) {
    Objects.requireNonNull(reasonPhrase, "reasonPhrase");
    Objects.requireNonNull(reasonText, "reasonText");
    List<SipHeader> headers = new ArrayList<>();
    if (reasonText.isPresent()) {
      String text = reasonText.get();
      if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
        throw new IllegalArgumentException(
            "reason text must be printable without quotes or backslashes: '" + text + "'");
      }
      headers.add(new SipHeader("Reason", "SIP;cause=" + status + ";text=\"" + text + "\""));
    }
    return new Verdict.Reject(status, reasonPhrase, headers);
  }

  /**
   * A tag verdict as configured for a list: a display-name label (e.g. "SPAM?"), a verstat value, or
   * both; at least one is required.
   */
  public static Verdict.Tag tag(Optional<String> displayLabel, Optional<String> verstat) {
    Objects.requireNonNull(displayLabel, "displayLabel");
    Objects.requireNonNull(verstat, "verstat");
    List<CallTag> tags = new ArrayList<>();
    displayLabel.ifPresent(label -> tags.add(new CallTag.DisplayLabel(label)));
    verstat.ifPresent(value -> tags.add(new CallTag.Verstat(value)));
    if (tags.isEmpty()) {
      throw new IllegalArgumentException("a tag needs a display label, a verstat value or both");
    }
    return new Verdict.Tag(tags);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long heapBytes() {
    return list.heapBytes();
  }

  /** The same check (name, verdict) on another version of its list, e.g. the one a reload kept. */
  public NumberListCheck withList(NumberList other) {
    return new NumberListCheck(name, other, onListed);
  }

  /** What a listed caller gets: a Reject, Drop or Tag. */
  public Verdict onListed() {
    return onListed;
  }

  public NumberList list() {
    return list;
  }

  @Override
  public Verdict check(ScreenedCall call) {
    if (call.callerAllowListed()) {
      return Verdict.CONTINUE;
    }
    return list.contains(call.callerNumber()) ? onListed : Verdict.CONTINUE;
  }

  @Override
  public String outcomeLabel(Verdict verdict, ScreenedCall call) {
    if (verdict instanceof Verdict.Continue && call.callerAllowListed()) {
      return CheckOutcome.ALLOWED;
    }
    return CheckOutcome.labelOf(verdict);
  }
}
