package org.sipscreen;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped logback.xml picks the appender named by {@code sipscreen.log.format}, and each one writes the
 * format it promises. Configured into a private LoggerContext, so the tests' own logging is untouched.
 */
class LogFormatTest {

  @ParameterizedTest
  @ValueSource(strings = {"text", "kv", "json"})
  void formatIsChosenBySystemProperty(String format) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    String before = System.getProperty("sipscreen.log.format");
    System.setProperty("sipscreen.log.format", format);
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      @SuppressWarnings("unchecked")
      ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) root.getAppender(format);
      assertThat(appender).as("appender %s on the root logger", format).isNotNull();
      ILoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent("x", context.getLogger("o.s.Test"),
          ch.qos.logback.classic.Level.INFO, "reload applied trigger={} note=\"{}\"", null,
          new Object[] {"watch", "q"});
      String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
      switch (format) {
        case "json" -> {
          assertThat(appender.getEncoder()).isInstanceOf(JsonEncoder.class);
          assertThat(line).startsWith("{").contains("\"level\":\"INFO\"")
              .contains("\"formattedMessage\":\"reload applied trigger=watch note=\\\"q\\\"\"");
        }
        case "kv" -> assertThat(line).startsWith("ts=").contains(" level=INFO ")
            .contains(" msg=\"reload applied trigger=watch note=\\\"q\\\"\"");
        default -> {
          assertThat(appender.getEncoder()).isInstanceOf(LayoutWrappingEncoder.class);
          assertThat(line).contains("INFO  o.s.Test - reload applied trigger=watch note=\"q\"");
        }
      }
      for (String other : new String[] {"text", "kv", "json"}) {
        if (!other.equals(format)) {
          assertThat(root.getAppender(other)).isNull();
        }
      }
    } finally {
      if (before == null) {
        System.clearProperty("sipscreen.log.format");
      } else {
        System.setProperty("sipscreen.log.format", before);
      }
      context.stop();
    }
  }
}
