package org.sipscreen.screening.check.stir_shaken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The on-disk layout of preloaded STI certificate chains: a directory with an {@code index.txt} whose lines
 * are {@code <x5u URL> <file>.pem} (blank lines and {@code #} comments ignored) and the PEM files it names,
 * side by side. {@link #read} loads it strictly (a bad line or file is an error naming the index line);
 * {@link #write} adds or replaces chains, naming each file after a hash of its URL, and rewrites the index
 * atomically so a running reader never sees half of it.
 */
public final class CertificatePreloadDirectory {

  /** The index file's name inside the directory. */
  public static final String INDEX = "index.txt";

  /** A preload PEM file larger than this is refused. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*\\.pem");

  private CertificatePreloadDirectory() {}

  /**
   * Reads the chains of a preload directory, keyed by x5u URL exactly as written in the index.
   *
   * @throws NoSuchFileException when the directory does not exist
   * @throws CertificatePreloadFormatException for a missing index, a bad index line, a missing or bad PEM
   *     file (message {@code <dir>/index.txt:<line>: <why>: '<line>'})
   */
  public static Map<String, List<X509Certificate>> read(Path dir) throws IOException {
    Path index = dir.resolve(INDEX);
    Map<String, List<X509Certificate>> chains = new LinkedHashMap<>();
    for (IndexLine line : indexLines(dir)) {
      String why;
      try {
        chains.put(line.url(), PemCertificateChain.parse(readCapped(dir.resolve(line.file()))));
        continue;
      } catch (NoSuchFileException e) {
        why = line.file() + ": no such file";
      } catch (CertificateException e) {
        why = line.file() + ": not a PEM certificate chain: " + e.getMessage();
      }
      throw new CertificatePreloadFormatException(index.toString(), line.number(), line.text(), why);
    }
    return Map.copyOf(chains);
  }

  /**
   * Reads only the index: x5u URL to file name, in file order, each line checked.
   *
   * @throws CertificatePreloadFormatException for a missing index or a bad line
   */
  public static Map<String, String> readIndex(Path dir) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    for (IndexLine line : indexLines(dir)) {
      files.put(line.url(), line.file());
    }
    return files;
  }

  /** One entry of the index and where it stands. */
  private record IndexLine(String url, String file, int number, String text) {}

  private static List<IndexLine> indexLines(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a directory");
    }
    Path index = dir.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      throw new CertificatePreloadFormatException(index.toString(), 0, null,
          "missing: a certificate preload directory needs an " + INDEX + " with lines 'URL FILE.pem'");
    }
    List<IndexLine> lines = new ArrayList<>();
    Set<String> urls = new HashSet<>();
    try (BufferedReader reader = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        String[] fields = text.split("\\s+");
        String why = null;
        if (fields.length != 2) {
          why = "expected 'URL FILE.pem'";
        } else if (urlProblem(fields[0]) != null) {
          why = urlProblem(fields[0]);
        } else if (!FILE_NAME.matcher(fields[1]).matches()) {
          why = "file must be a plain name in this directory ending in .pem";
        } else if (!urls.add(fields[0])) {
          why = "duplicate URL";
        }
        if (why != null) {
          throw new CertificatePreloadFormatException(index.toString(), lineNumber, line, why);
        }
        lines.add(new IndexLine(fields[0], fields[1], lineNumber, line));
      }
    }
    return lines;
  }

  /**
   * Adds or replaces chains: writes each PEM under {@link #fileNameFor} and then the merged index (entries
   * already in the directory stay). Creates the directory if needed.
   *
   * @param pemByUrl PEM text by x5u URL; each must parse as a certificate chain
   * @throws IllegalArgumentException when a URL is not an http(s) URL or a PEM does not parse
   */
  public static void write(Path dir, Map<String, String> pemByUrl) throws IOException {
    for (Map.Entry<String, String> entry : pemByUrl.entrySet()) {
      String problem = urlProblem(entry.getKey());
      if (problem != null) {
        throw new IllegalArgumentException(entry.getKey() + ": " + problem);
      }
      try {
        PemCertificateChain.parse(entry.getValue().getBytes(StandardCharsets.US_ASCII));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(entry.getKey() + ": not a PEM certificate chain: "
            + e.getMessage(), e);
      }
    }
    Files.createDirectories(dir);
    Map<String, String> index = new TreeMap<>();
    if (Files.exists(dir.resolve(INDEX))) {
      index.putAll(readIndex(dir));
    }
    for (Map.Entry<String, String> entry : pemByUrl.entrySet()) {
      String file = fileNameFor(entry.getKey());
      replace(dir.resolve(file), entry.getValue());
      index.put(entry.getKey(), file);
    }
    StringBuilder text = new StringBuilder(
        "# sipscreen STIR/SHAKEN certificate preload index: <x5u URL> <file in this directory>\n");
    index.forEach((url, file) -> text.append(url).append(' ').append(file).append('\n'));
    replace(dir.resolve(INDEX), text.toString());
  }

  /** The file name {@link #write} uses for a URL: a hash, so that any URL gives a safe, stable name. */
  public static String fileNameFor(String url) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12) + ".pem";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Null when {@code url} is an absolute http(s) URL with a host, else what is wrong with it. */
  static String urlProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return "URL must be https:// (or http://)";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      return "URL needs a host and no user info";
    }
    return null;
  }

  private static byte[] readCapped(Path file) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new CertificateException("larger than " + MAX_FILE_BYTES + " bytes");
      }
      return bytes;
    }
  }

  private static void replace(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
