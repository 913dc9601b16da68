package org.sipscreen.screening.check.stir_shaken;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.SipHeader;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings.Category;

/**
 * Verifies the INVITE's Identity headers (RFC 8224/8588, div per RFC 8946) and writes the result as the
 * caller's verstat, replacing the peer's: TN-Validation-Passed, TN-Validation-Failed or No-TN-Validation.
 * Each result is one {@link Category} (outcome label, and flag category when its score is above 0);
 * {@link StirShakenSettings.OnFailure} decides whether a failed verification is only tagged, rejected with
 * its RFC 8224 code, or forwarded with an RFC 9410 STIR Reason header.
 *
 * <p>Why it is shaped this way: with every certificate cached ({@link CertificateSource#cached}) the check
 * verifies inline (about 100 us of ECDSA) and answers at once. A miss answers {@link Verdict.Later}: the
 * lookups run, and the call goes on when they answer or at the deadline, whichever comes first; past the
 * deadline, or when the source says unavailable, the call continues as No-TN-Validation (fail open,
 * counted in {@link Stats#failOpen}). Emergency calls never reach this check (the chain forwards them
 * before any check runs), so none ever waits here. Verdicts are built once per category and failure code,
 * so answering allocates only the verification itself.
 */
public final class StirShakenCheck implements Check {

  public static final String NAME = "stir_shaken";

  /** More Identity headers than this are not verified at all (438): each costs an ECDSA verification. */
  public static final int MAX_IDENTITY_HEADERS = 5;

  static final String PASSED = "TN-Validation-Passed";
  static final String FAILED = "TN-Validation-Failed";
  static final String NO_VALIDATION = "No-TN-Validation";

  private static final Executor DIRECT = Runnable::run;

  private final StirShakenSettings settings;
  private final CertificateSource certificates;
  private final PassportVerifier verifier;
  private final Scheduler scheduler;
  private final long deadlineNanos;
  private final Verdict[] passed = new Verdict[Attestation.values().length];
  private final Verdict noIdentity;
  private final Verdict unavailable;
  private final Map<IdentityFailure, Verdict> failed = new EnumMap<>(IdentityFailure.class);
  /** The outcome label of each verdict above, by identity. */
  private final Map<Verdict, String> labels = new IdentityHashMap<>();
  private final Stats stats = new Stats();
  /**
   * The passed verdicts that name their signer ({@link CallTag.Signer}), per SPC and attestation, made once
   * each. Signers are few (one per certificate holder); past {@link #MAX_SIGNERS} a call passes unnamed.
   */
  private final Map<String, Verdict[]> passedBySigner = new ConcurrentHashMap<>();
  static final int MAX_SIGNERS = 10_000;

  /**
   * @param settings deadline, failure handling, scores
   * @param certificates validated certificate chains by x5u
   * @param verifier checks claims, freshness and signatures (its clock decides freshness)
   * @param scheduler runs the deadline timers of calls waiting for a certificate; timers only complete a
   *     future
   */
  public StirShakenCheck(StirShakenSettings settings, CertificateSource certificates,
      PassportVerifier verifier, Scheduler scheduler) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.certificates = Objects.requireNonNull(certificates, "certificates");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.deadlineNanos = settings.deadline().toNanos();
    for (Attestation a : Attestation.values()) {
      passed[a.ordinal()] = verdict(Category.valueOf("ATTESTATION_" + a.name()), PASSED, null);
    }
    noIdentity = verdict(Category.NO_IDENTITY, NO_VALIDATION, null);
    unavailable = verdict(Category.CERTIFICATE_UNAVAILABLE, NO_VALIDATION, null);
    for (IdentityFailure f : IdentityFailure.values()) {
      if (f == IdentityFailure.NO_IDENTITY) {
        continue;
      }
      Verdict v = switch (settings.onFailure()) {
        case REJECT -> new Verdict.Reject(f.sipStatus(), f.reasonPhrase(), List.of(new SipHeader(
            "Reason", new CallTag.StirReason(f.sipStatus(), f.reasonPhrase()).headerValue())));
        case REASON_HEADER -> verdict(Category.SIGNATURE_FAILED, FAILED,
            new CallTag.StirReason(f.sipStatus(), f.reasonPhrase(), settings.reasonDownstream()));
        case TAG -> verdict(Category.SIGNATURE_FAILED, FAILED, null);
      };
      failed.put(f, v);
      labels.put(v, Category.SIGNATURE_FAILED.label());
    }
  }

  private Verdict verdict(Category category, String verstat, CallTag.StirReason reason) {
    List<CallTag> tags = reason == null
        ? List.of(new CallTag.Verstat(verstat))
        : List.of(new CallTag.Verstat(verstat), reason);
    int score = settings.score(category);
    Verdict v = score > 0 ? new Verdict.Flag(category.label(), score, tags) : new Verdict.Tag(tags);
    labels.put(v, category.label());
    return v;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Where the check gets validated certificate chains by x5u. */
  public CertificateSource certificates() {
    return certificates;
  }

  public StirShakenSettings settings() {
    return settings;
  }

  /** Counters and the latency hook for metrics. */
  public Stats stats() {
    return stats;
  }

  @Override
  public String outcomeLabel(Verdict verdict, ScreenedCall call) {
    String label = labels.get(verdict);
    if (label == null) {
      label = signerLabel(verdict);
    }
    return label != null ? label : CheckOutcome.labelOf(verdict);
  }

  @Override
  public Verdict check(ScreenedCall call) {
    List<String> values = call.attempt().identityHeaders();
    if (values.isEmpty()) {
      return noIdentity;
    }
    if (values.size() > MAX_IDENTITY_HEADERS) {
      return failed.get(IdentityFailure.INVALID_IDENTITY);
    }
    String caller = call.callerNumber() instanceof PhoneNumber.E164 e ? e.value() : "";
    List<String> called = calledNumbers(call);
    List<IdentityParseResult> parsed = new ArrayList<>(values.size());
    Map<String, CertificateLookup> known = new ConcurrentHashMap<>(4);
    List<String> missing = null;
    for (String value : values) {
      IdentityParseResult p = IdentityHeader.parse(value);
      parsed.add(p);
      if (p instanceof IdentityHeader h && !known.containsKey(h.x5u())
          && (missing == null || !missing.contains(h.x5u()))) {
        CertificateLookup cached = certificates.cached(h.x5u());
        if (cached != null) {
          known.put(h.x5u(), cached);
        } else {
          if (missing == null) {
            missing = new ArrayList<>(2);
          }
          missing.add(h.x5u());
        }
      }
    }
    if (missing == null) {
      Verdict v = decide(parsed, known, caller, called);
      if (v == unavailable) {
        stats.failOpen.increment(); // a remembered failure: no wait, still no certificate
      }
      return v;
    }
    return waitForCertificates(parsed, known, missing, caller, called);
  }

  /**
   * The numbers a PASSporT's dest may name: the To header's (the destination identity, RFC 8224 section
   * 4.1) and the Request-URI's (a carrier may retarget without a div PASSporT). Each is its E.164 number,
   * or else the digits as dialed, so that a national dest matches digit for digit.
   */
  private static List<String> calledNumbers(ScreenedCall call) {
    String uri = call.calledNumber() instanceof PhoneNumber.E164 e ? e.value() : call.dialedDigits();
    String to = call.toNumber() instanceof PhoneNumber.E164 e ? e.value()
        : PhoneNumbers.dialedDigits(PhoneNumbers.uriOf(call.attempt().toHeader()));
    return to.isEmpty() || to.equals(uri) ? List.of(uri) : List.of(to, uri);
  }

  /** Looks the missing certificates up and decides when they answer or the deadline passes. */
  private Verdict waitForCertificates(List<IdentityParseResult> parsed, Map<String, CertificateLookup> known,
      List<String> missing, String caller, List<String> called) {
    CompletableFuture<Verdict> verdict = new CompletableFuture<>();
    Future<?> timer = scheduler.schedule(DIRECT, () -> {
      // Counted before the call goes on, so whoever sees the verdict also sees the count.
      stats.failOpen.increment();
      stats.deadlineMisses.increment();
      if (!verdict.complete(unavailable)) {
        stats.failOpen.decrement();
        stats.deadlineMisses.decrement();
      }
    }, deadlineNanos, TimeUnit.NANOSECONDS);
    CompletableFuture<?>[] lookups = new CompletableFuture<?>[missing.size()];
    for (int i = 0; i < lookups.length; i++) {
      String x5u = missing.get(i);
      stats.lookups.increment();
      CompletionStage<CertificateLookup> stage;
      try {
        stage = Objects.requireNonNull(certificates.lookup(x5u), "CertificateSource returned null");
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      lookups[i] = stage.toCompletableFuture().handle((lookup, failure) -> {
        known.put(x5u, lookup != null ? lookup : new CertificateLookup.Unavailable("error"));
        return null;
      });
    }
    CompletableFuture.allOf(lookups).whenComplete((ignored, failure) -> {
      if (verdict.isDone()) {
        return;
      }
      Verdict v;
      try {
        v = decide(parsed, known, caller, called);
      } catch (RuntimeException e) {
        v = unavailable; // a verifier bug must not hold the call: fail open
      }
      boolean failOpen = v == unavailable;
      if (failOpen) {
        stats.failOpen.increment();
      }
      if (verdict.complete(v)) {
        timer.cancel(false);
      } else if (failOpen) {
        stats.failOpen.decrement();
      }
    });
    return new Verdict.Later(verdict);
  }

  /**
   * The verdict once every x5u is known: the first shaken PASSporT that passes decides the attestation;
   * otherwise a certificate that could not be had makes it No-TN-Validation (not the caller's fault), and
   * anything else is a failed verification with the RFC 8224 code of the first shaken header (or of the
   * first header when none parsed as shaken).
   */
  private Verdict decide(List<IdentityParseResult> parsed, Map<String, CertificateLookup> known,
      String caller, List<String> called) {
    long t0 = System.nanoTime();
    List<VerificationResult> results = verifier.verifyParsed(parsed, caller, called, x5u -> {
      CertificateLookup lookup = known.get(x5u);
      if (lookup instanceof CertificateLookup.Found found
          && found.result() instanceof ChainResult.Trusted trusted) {
        return Optional.<X509Certificate>of(trusted.leaf());
      }
      return Optional.empty();
    });
    stats.latency.accept(System.nanoTime() - t0);
    boolean anyUnavailable = false;
    Rejection firstShaken = null;
    Rejection first = null;
    for (int i = 0; i < results.size(); i++) {
      VerificationResult r = results.get(i);
      IdentityParseResult p = parsed.get(i);
      if (r instanceof VerificationResult.Passed ok) {
        Passport passport = ok.passport();
        if (!passport.isDiversion()) {
          return passedBy(passport.attestation(), known.get(passport.x5u()));
        }
        continue;
      }
      Rejection rejection = (Rejection) r;
      if (p instanceof IdentityHeader h) {
        CertificateLookup lookup = known.get(h.x5u());
        if (lookup instanceof CertificateLookup.Unavailable) {
          anyUnavailable = true;
          continue;
        }
        if (lookup instanceof CertificateLookup.Found found && found.result() instanceof Rejection chain) {
          rejection = chain; // the chain did not validate: 437, not "no certificate"
        }
        if (firstShaken == null && Passport.PPT_SHAKEN.equals(h.ppt())) {
          firstShaken = rejection;
        }
      }
      if (first == null) {
        first = rejection;
      }
    }
    if (anyUnavailable) {
      return unavailable;
    }
    Rejection why = firstShaken != null ? firstShaken : first;
    Verdict v = why == null ? null : failed.get(why.failure());
    // A div PASSporT alone, however good, does not identify the caller.
    return v != null ? v : failed.get(IdentityFailure.INVALID_IDENTITY);
  }

  /**
   * The passed verdict of {@code attestation}, naming the SPC of the signing certificate's TNAuthList
   * (parsed once per certificate, with its chain) when it has one.
   */
  private Verdict passedBy(Attestation attestation, CertificateLookup lookup) {
    Verdict plain = passed[attestation.ordinal()];
    if (!(lookup instanceof CertificateLookup.Found found)
        || !(found.result() instanceof ChainResult.Trusted trusted) || trusted.tnAuthList() == null) {
      return plain;
    }
    CallTag.Signer signer = CallTag.Signer.of(trusted.tnAuthList().spcs());
    if (signer == null) {
      return plain;
    }
    Verdict[] bySigner = passedBySigner.get(signer.spc());
    if (bySigner == null) {
      if (passedBySigner.size() >= MAX_SIGNERS) {
        return plain;
      }
      bySigner = passedBySigner.computeIfAbsent(signer.spc(), spc -> signerVerdicts(signer));
    }
    return bySigner[attestation.ordinal()];
  }

  private Verdict[] signerVerdicts(CallTag.Signer signer) {
    Verdict[] out = new Verdict[passed.length];
    for (int i = 0; i < out.length; i++) {
      Verdict v = passed[i];
      if (v instanceof Verdict.Flag f) {
        out[i] = new Verdict.Flag(f.category(), f.score(), withSigner(f.tags(), signer));
      } else if (v instanceof Verdict.Tag t) {
        out[i] = new Verdict.Tag(withSigner(t.tags(), signer));
      } else {
        out[i] = v;
      }
    }
    return out;
  }

  private static List<CallTag> withSigner(List<CallTag> tags, CallTag.Signer signer) {
    List<CallTag> out = new ArrayList<>(tags);
    out.add(signer);
    return out;
  }

  /** The label of a verdict {@link #passedBy} made: that of the attestation it passed with. */
  private String signerLabel(Verdict verdict) {
    List<CallTag> tags = verdict instanceof Verdict.Flag f ? f.tags()
        : verdict instanceof Verdict.Tag tag ? tag.tags() : List.of();
    for (CallTag one : tags) {
      if (one instanceof CallTag.Signer signer) {
        Verdict[] bySigner = passedBySigner.get(signer.spc());
        for (int i = 0; bySigner != null && i < bySigner.length; i++) {
          if (bySigner[i] == verdict) {
            return labels.get(passed[i]);
          }
        }
      }
    }
    return null;
  }

  /**
   * What metrics read: calls that went on without a certificate ({@code failOpen}: deadline passed or the
   * source answered unavailable; {@code deadlineMisses} is the part the deadline cut), certificate
   * {@code lookups} started on a cache miss, and the verification time of each verified call through
   * {@link #onVerification}.
   */
  public static final class Stats {
    private final LongAdder failOpen = new LongAdder();
    private final LongAdder deadlineMisses = new LongAdder();
    private final LongAdder lookups = new LongAdder();
    private volatile LongConsumer observer = nanos -> {};
    private final LongConsumer latency = nanos -> observer.accept(nanos);

    Stats() {}

    public long failOpen() {
      return failOpen.sum();
    }

    public long deadlineMisses() {
      return deadlineMisses.sum();
    }

    public long lookups() {
      return lookups.sum();
    }

    /** Receives the nanoseconds each verification took (claims and signatures, not the lookup). */
    public void onVerification(LongConsumer nanos) {
      this.observer = Objects.requireNonNull(nanos, "nanos");
    }
  }
}
