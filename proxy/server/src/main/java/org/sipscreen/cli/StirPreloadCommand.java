package org.sipscreen.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.sipscreen.screening.check.stir_shaken.CertificateChainValidator;
import org.sipscreen.screening.check.stir_shaken.CertificateFetchException;
import org.sipscreen.screening.check.stir_shaken.CertificatePreloadDirectory;
import org.sipscreen.screening.check.stir_shaken.PemCertificateChain;
import org.sipscreen.screening.check.stir_shaken.Rejection;
import org.sipscreen.stir.HttpsCertificateFetcher;
import org.sipscreen.transport.Transports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stir-preload}: fetches x5u certificate chains with the proxy's HTTPS fetcher (same SSRF guard and
 * limits) and stores them in a certificate preload directory, one line per URL on stdout. Exit 0 when every
 * URL was stored, 1 when some failed (the others are still stored), 2 for a bad argument or file.
 */
@Command(name = "stir-preload", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Fetch STIR/SHAKEN certificate chains (x5u URLs) into a certificate preload directory.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen stir-preload --urls x5u-urls.txt --dir /var/lib/sipscreen/sti-certs"
            + " --trust-anchors /etc/sipscreen/sti-pa-roots.pem"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every URL was stored",
        "1:some URLs failed (each is listed with the reason)",
        "2:bad option or file"})
final class StirPreloadCommand implements Callable<Integer> {

  private static final int PARALLEL_FETCHES = 8;

  @Option(names = "--urls", required = true, paramLabel = "FILE",
      description = "x5u URLs, one per line ('#' comments and blank lines ignored)")
  Path urls;

  @Option(names = "--dir", required = true, paramLabel = "DIR",
      description = "preload directory to write (created if missing; existing entries are kept)")
  Path dir;

  @Option(names = "--trust-anchors", paramLabel = "FILE",
      description = "PEM file of STI trust anchors; if given, chains that do not validate are not stored")
  Path trustAnchors;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "extra CA (PEM) trusted for the HTTPS connections, besides the JDK's; repeatable")
  List<Path> extraCas = new ArrayList<>();

  @Option(names = "--allow-http", description = "also fetch http:// URLs")
  boolean allowHttp;

  @Option(names = "--allow-private-addresses",
      description = "switch off the SSRF guard (loopback, private, link-local ... destinations)")
  boolean allowPrivateAddresses;

  @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
      description = "deadline per fetch (DNS, connect, TLS, response); default ${DEFAULT-VALUE}")
  long timeoutMs;

  @Option(names = "--max-bytes", paramLabel = "BYTES", defaultValue = "65536",
      description = "largest accepted response; default ${DEFAULT-VALUE}")
  int maxBytes;

  @Override
  public Integer call() throws InterruptedException {
    List<String> list;
    CertificateChainValidator validator;
    HttpsCertificateFetcher.Settings settings;
    try {
      list = readUrls(urls);
      validator = trustAnchors == null ? null : new CertificateChainValidator(
          PemCertificateChain.parse(Files.readAllBytes(trustAnchors)), Clock.systemUTC());
      settings = new HttpsCertificateFetcher.Settings(Duration.ofMillis(timeoutMs), maxBytes, allowHttp,
          allowPrivateAddresses, extraCas, PARALLEL_FETCHES);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("stir-preload: " + e.getMessage());
      return 2;
    } catch (CertificateException e) {
      System.err.println("stir-preload: " + trustAnchors + ": " + e.getMessage());
      return 2;
    }

    EventLoopGroup group = Transports.newGroup(1);
    Map<String, String> stored = new LinkedHashMap<>();
    int failed = 0;
    try (HttpsCertificateFetcher fetcher =
        new HttpsCertificateFetcher(settings, group, Transports.socketChannel())) {
      Semaphore slots = new Semaphore(PARALLEL_FETCHES);
      List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
      for (String url : list) {
        slots.acquire();
        CompletableFuture<byte[]> fetch = fetcher.fetch(URI.create(url)).toCompletableFuture();
        fetch.whenComplete((body, error) -> slots.release());
        fetches.add(fetch);
      }
      for (int i = 0; i < list.size(); i++) {
        String url = list.get(i);
        String problem = problem(fetches.get(i), validator);
        if (problem == null) {
          stored.put(url, new String(fetches.get(i).join(), StandardCharsets.US_ASCII));
          System.out.println("ok " + url);
        } else {
          failed++;
          System.out.println("failed " + url + ": " + problem);
        }
      }
      CertificatePreloadDirectory.write(dir, stored);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("stir-preload: " + e.getMessage());
      return 2;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.out.println(stored.size() + " of " + list.size() + " URLs stored in " + dir);
    return failed == 0 ? 0 : 1;
  }

  /** Null when the fetch delivered a usable chain, else "reason: detail". */
  private static String problem(CompletableFuture<byte[]> fetch, CertificateChainValidator validator)
      throws InterruptedException {
    byte[] body;
    try {
      body = fetch.get();
    } catch (ExecutionException e) {
      return e.getCause() instanceof CertificateFetchException f
          ? f.reason() + ": " + f.getMessage()
          : "error: " + e.getCause();
    }
    List<X509Certificate> chain;
    try {
      chain = PemCertificateChain.parse(body);
    } catch (CertificateException e) {
      return "not_pem: " + e.getMessage();
    }
    if (validator != null && validator.validate(chain) instanceof Rejection rejection) {
      return "untrusted: " + rejection.detail();
    }
    return null;
  }

  /** The URL list: one per line, comments and blanks skipped, each an http(s) URL (file:line otherwise). */
  private static List<String> readUrls(Path file) throws IOException {
    List<String> result = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String scheme;
      try {
        URI uri = new URI(text);
        scheme = uri.getHost() == null ? null : uri.getScheme();
      } catch (java.net.URISyntaxException e) {
        scheme = null;
      }
      if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": not an http(s) URL: '" + text + "'");
      }
      if (!result.contains(text)) {
        result.add(text);
      }
    }
    return result;
  }
}
