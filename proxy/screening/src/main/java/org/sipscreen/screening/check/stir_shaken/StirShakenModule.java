package org.sipscreen.screening.check.stir_shaken;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckMetrics;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;

/**
 * Builds stir_shaken from {@code screening.stir_shaken}: trust anchors from PEM files, the certificate
 * cache (preload directory, and a fetcher once the proxy runs), the verifier and the check's settings.
 * After a reload the new check's cache takes over the chains the running one fetched.
 */
public final class StirShakenModule extends CheckModule<StirShakenConfig, StirShakenCheck> {

  public static final StirShakenModule INSTANCE = new StirShakenModule();

  /** A cached certificate chain: parsed X.509 certificates and key. */
  static final long CACHED_CHAIN_BYTES = 6 * 1024;

  /** Deadline timers of calls waiting for a certificate: they only complete a future. */
  private static final Scheduler TIMER = Scheduler.systemScheduler();
  /** The signed warm-up stops after this long, however many calls it was given. */
  private static final long WARMUP_MAX_MILLIS = 5_000;

  private StirShakenModule() {
    super(StirShakenCheck.NAME, StirShakenConfig.class, StirShakenCheck.class);
  }

  @Override
  public StirShakenCheck build(StirShakenConfig c, CheckContext context) throws CheckConfigException {
    return check(c, context, Optional.empty(), CertificateCache.Listener.NONE);
  }

  @Override
  public StirShakenCheck live(StirShakenCheck prepared, StirShakenConfig c, CheckContext context)
      throws CheckConfigException {
    Optional<StirServices> services = context.service(StirServices.class);
    if (services.isEmpty()) {
      return prepared;
    }
    Optional<CertificateFetcher> fetcher = Optional.empty();
    if (c.fetch() != null) {
      StirShakenConfig.Fetch f = c.fetch();
      List<Path> caFiles = new ArrayList<>();
      for (int i = 0; i < f.caFiles().size(); i++) {
        Path ca = context.resolve(f.caFiles().get(i));
        if (!Files.isReadable(ca)) {
          throw new CheckConfigException("fetch.ca_files[" + i + "]", "cannot read " + ca);
        }
        caFiles.add(ca);
      }
      try {
        fetcher = services.get().fetcher(new StirServices.FetchSettings(f.allowHttp(),
            f.allowPrivateAddresses(), (int) f.maxSize().bytes(), f.timeout(), caFiles));
      } catch (UncheckedIOException | IllegalArgumentException e) {
        throw new CheckConfigException("fetch", e.getMessage(), e);
      }
    }
    StirShakenCheck check = check(c, context, fetcher, services.get().listener());
    check.stats().onVerification(services.get().verificationTimes());
    return check;
  }

  private StirShakenCheck check(StirShakenConfig c, CheckContext context,
      Optional<CertificateFetcher> fetcher, CertificateCache.Listener listener) throws CheckConfigException {
    Clock clock = Clock.systemUTC();
    List<X509Certificate> anchors = new ArrayList<>();
    for (int i = 0; i < c.trustAnchors().size(); i++) {
      anchors.addAll(trustAnchors(context.resolve(c.trustAnchors().get(i)), "trust_anchors[" + i + "]"));
    }
    CertificateChainValidator validator = new CertificateChainValidator(anchors, clock);
    Path dir = null;
    if (c.certificateDir() != null) {
      dir = context.resolve(c.certificateDir());
      if (!Files.isDirectory(dir)) {
        throw new CheckConfigException("certificate_dir", "not a directory: " + dir);
      }
    }
    CertificateCache cache;
    try {
      cache = CertificateCache.builder()
          .validator(validator)
          .fetcher(fetcher.orElse(null))
          .preloadDirectory(dir)
          .deadline(c.deadline())
          .maxTtl(c.cache().maxTtl())
          .negativeTtl(c.cache().negativeTtl())
          .maximumSize(c.cache().maximumSize())
          .clock(clock)
          .scheduler(TIMER)
          .listener(listener)
          .build();
    } catch (IOException e) {
      throw new CheckConfigException("certificate_dir", "cannot read " + dir + ": "
          + CheckConfigException.describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException("certificate_dir", e.getMessage(), e);
    }
    Map<StirShakenSettings.Category, Integer> scores = new EnumMap<>(StirShakenSettings.Category.class);
    c.scores().forEach((category, score) ->
        scores.put(StirShakenSettings.Category.fromLabel(category), score));
    StirShakenSettings settings = new StirShakenSettings(c.deadline(),
        StirShakenSettings.OnFailure.fromLabel(c.onFailure()), scores, c.reasonDownstream());
    return new StirShakenCheck(settings, cache, new PassportVerifier(c.freshness(), clock), TIMER);
  }

  /** Every certificate in a PEM file of STI-PA / STI-CA roots; at least one. */
  private static List<X509Certificate> trustAnchors(Path file, String key) throws CheckConfigException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) cert);
      }
      if (out.isEmpty()) {
        throw new CheckConfigException(key, "no certificate in " + file);
      }
      return out;
    } catch (IOException e) {
      throw new CheckConfigException(key, "cannot read " + file + ": " + CheckConfigException.describe(e), e);
    } catch (CertificateException | ClassCastException e) {
      throw new CheckConfigException(key, "not a PEM certificate file: " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<DataFile> files(StirShakenConfig c) {
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < c.trustAnchors().size(); i++) {
      files.add(new DataFile("stir_trust_anchor_" + i, "screening.stir_shaken.trust_anchors[" + i + "]",
          c.trustAnchors().get(i)));
    }
    if (c.certificateDir() != null) {
      files.add(new DataFile("stir_certificate_index", "screening.stir_shaken.certificate_dir",
          Path.of(c.certificateDir()).resolve(CertificatePreloadDirectory.INDEX).toString()));
    }
    return files;
  }

  @Override
  public StirShakenCheck carryOver(StirShakenCheck running, StirShakenCheck built) {
    if (built.certificates() instanceof CertificateCache fresh
        && running.certificates() instanceof CertificateCache old) {
      fresh.adopt(old);
    }
    return built;
  }

  @Override
  public void exportMetrics(Supplier<StirShakenCheck> live, CheckMetrics metrics) {
    metrics.counter("sipscreen_stir_fail_open", "Signed INVITEs that went on as No-TN-Validation because"
        + " no certificate was available within the deadline (fail open)", () -> live.get().stats().failOpen());
    metrics.counter("sipscreen_stir_deadline_misses", "Signed INVITEs whose certificate lookup missed the"
        + " deadline (part of fail_open)", () -> live.get().stats().deadlineMisses());
    metrics.counter("sipscreen_stir_certificate_lookups", "Certificate lookups started by the stir_shaken"
        + " check on a cache miss", () -> live.get().stats().lookups());
  }

  @Override
  public long cacheBytes(StirShakenConfig c) {
    return c.cache().maximumSize() * CACHED_CHAIN_BYTES;
  }

  /**
   * The whole verification of a signed INVITE (Identity parsing, claims, numbers, certificate lookup, ES256
   * on a native engine when one loads, verdict) compiled before the first signed call: the chain warm-up's
   * synthetic calls carry no Identity header.
   */
  @Override
  public java.util.Optional<String> warmUp(StirShakenCheck check, int calls) {
    long t0 = System.nanoTime();
    int verified = SignedWarmup.run(check.settings(), calls, WARMUP_MAX_MILLIS);
    return java.util.Optional.of(String.format(java.util.Locale.ROOT,
        "%d signed INVITEs verified in %d ms (engine %s)", verified, (System.nanoTime() - t0) / 1_000_000,
        Es256Key.preferredEngine()));
  }
}
