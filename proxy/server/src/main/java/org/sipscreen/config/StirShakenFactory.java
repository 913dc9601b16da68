package org.sipscreen.config;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.sipscreen.screening.StirShakenCheck;
import org.sipscreen.screening.stir.CertificateCache;
import org.sipscreen.screening.stir.CertificateChainValidator;
import org.sipscreen.screening.stir.CertificateFetcher;
import org.sipscreen.screening.stir.PassportVerifier;
import org.sipscreen.screening.stir.StirShakenSettings;

/**
 * Builds the stir_shaken check of {@code screening.stir_shaken}: trust anchors from PEM files, the
 * certificate cache (preload directory, optional fetcher), the verifier and the check's settings. Files
 * resolve against the config file's folder; every problem is a {@link ConfigException} naming the file and
 * the key.
 */
final class StirShakenFactory {

  /** Deadline timers of calls waiting for a certificate: they only complete a future. */
  private static final Scheduler TIMER = Scheduler.systemScheduler();

  private StirShakenFactory() {}

  static StirShakenCheck check(CheckConfigs.StirShaken c, Path base, Path configFile, StirWiring wiring)
      throws ConfigException {
    String key = configFile + ": screening.stir_shaken";
    Clock clock = Clock.systemUTC();
    List<X509Certificate> anchors = new ArrayList<>();
    for (int i = 0; i < c.trustAnchors().size(); i++) {
      anchors.addAll(trustAnchors(base.resolve(c.trustAnchors().get(i)), key + ".trust_anchors[" + i + "]"));
    }
    CertificateChainValidator validator = new CertificateChainValidator(anchors, clock);
    Duration deadline = Duration.ofMillis(c.deadlineMs());
    CertificateFetcher fetcher = null;
    if (c.fetch().enabled()) {
      List<String> caFiles = new ArrayList<>();
      for (int i = 0; i < c.fetch().caFiles().size(); i++) {
        Path ca = base.resolve(c.fetch().caFiles().get(i));
        if (!Files.isReadable(ca)) {
          throw new ConfigException(key + ".fetch.ca_files[" + i + "]: cannot read " + ca);
        }
        caFiles.add(ca.toString());
      }
      CheckConfigs.StirFetch f = c.fetch();
      try {
        fetcher = wiring.fetcher().apply(new CheckConfigs.StirFetch(f.enabled(), f.allowHttp(),
            f.allowPrivateAddresses(), f.maxBytes(), f.timeoutMs(), caFiles)).orElse(null);
      } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
        throw new ConfigException(key + ".fetch: " + e.getMessage());
      }
    }
    Path dir = null;
    if (c.certificateDir() != null) {
      dir = base.resolve(c.certificateDir());
      if (!Files.isDirectory(dir)) {
        throw new ConfigException(key + ".certificate_dir: not a directory: " + dir);
      }
    }
    CertificateCache cache;
    try {
      cache = CertificateCache.builder()
          .validator(validator)
          .fetcher(fetcher)
          .preloadDirectory(dir)
          .deadline(deadline)
          .maxTtl(Duration.ofSeconds(c.cache().maxTtlSeconds()))
          .negativeTtl(Duration.ofSeconds(c.cache().negativeTtlSeconds()))
          .maximumSize(c.cache().maximumSize())
          .clock(clock)
          .scheduler(TIMER)
          .listener(wiring.listener())
          .build();
    } catch (IOException e) {
      throw new ConfigException(key + ".certificate_dir: cannot read " + dir + ": " + ConfigException.describe(e));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ".certificate_dir: " + e.getMessage());
    }
    Map<StirShakenSettings.Category, Integer> scores = new EnumMap<>(StirShakenSettings.Category.class);
    c.scores().forEach((category, score) ->
        scores.put(StirShakenSettings.Category.fromLabel(category), score));
    StirShakenSettings settings = new StirShakenSettings(deadline,
        StirShakenSettings.OnFailure.fromLabel(c.onFailure()), scores, c.reasonDownstream());
    return new StirShakenCheck(settings, cache,
        new PassportVerifier(Duration.ofSeconds(c.freshnessSeconds()), clock), TIMER);
  }

  /** Every certificate in a PEM file of STI-PA / STI-CA roots; at least one. */
  static List<X509Certificate> trustAnchors(Path file, String key) throws ConfigException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) cert);
      }
      if (out.isEmpty()) {
        throw new ConfigException(key + ": no certificate in " + file);
      }
      return out;
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read " + file + ": " + ConfigException.describe(e));
    } catch (CertificateException | ClassCastException e) {
      throw new ConfigException(key + ": not a PEM certificate file: " + file + ": " + e.getMessage());
    }
  }
}
