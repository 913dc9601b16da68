package org.sipscreen;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version and the git commit this build was made from (org/sipscreen/build.properties, by Maven). */
public final class BuildInfo {

  private static final Properties PROPERTIES = load();

  private BuildInfo() {}

  /** The Maven version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} outside a Maven build. */
  public static String version() {
    return value("version");
  }

  /** The abbreviated commit id; {@code unknown} when the build was not made in a git checkout. */
  public static String commit() {
    return value("commit");
  }

  private static String value(String key) {
    String v = PROPERTIES.getProperty(key, "");
    return v.isBlank() || v.startsWith("${") ? "unknown" : v.strip();
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // No build information: both read "unknown".
    }
    return p;
  }
}
