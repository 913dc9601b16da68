package org.sipscreen.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.chain.CheckRegistry;
import org.sipscreen.screening.check.ConfigDurations;
import org.sipscreen.screening.check.DataSize;
import org.sipscreen.screening.check.ListFile;
import org.sipscreen.screening.check.PeerOverride;

/**
 * How config values that are not plain records are read: durations and sizes with units, and the two
 * places whose keys are check names ({@code screening.<check>} and {@code peers.<name>.checks.<check>}),
 * each read as its check module's type. An unknown key fails as Jackson's own unknown-property error, so
 * the loader reports it with its line and the keys that are known.
 */
final class ConfigTypes {

  private ConfigTypes() {}

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("sipscreen-config");
    m.addDeserializer(Duration.class, new DurationDeserializer());
    m.addDeserializer(DataSize.class, new DataSizeDeserializer());
    m.addDeserializer(SipscreenConfig.Screening.class, new ScreeningDeserializer());
    m.addDeserializer(SipscreenConfig.PeerChecks.class, new PeerChecksDeserializer());
    return m;
  }

  /** {@code 300s}: a duration must carry its unit. */
  static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw JsonMappingException.from(p, "expected a duration such as 250ms, 30s, 5m, 12h or 90d, got "
            + p.getText() + " (a duration needs its unit)");
      }
      try {
        return ConfigDurations.parse(p.getText());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }

  /** {@code 256MiB}, or a bare number of bytes. */
  static final class DataSizeDeserializer extends JsonDeserializer<DataSize> {
    @Override
    public DataSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING && p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw JsonMappingException.from(p, "expected a size such as 512B, 64KiB or 256MiB, got "
            + p.getText());
      }
      try {
        return DataSize.parse(p.getText());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }

  /** The fixed keys of {@code screening:} besides the check names. */
  private static final List<String> SCREENING_KEYS = List.of("default_country_code", "emergency",
      "allow_list", "policy");

  static final class ScreeningDeserializer extends JsonDeserializer<SipscreenConfig.Screening> {
    @Override
    public SipscreenConfig.Screening deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      requireObject(p, "screening");
      String countryCode = null;
      SipscreenConfig.Emergency emergency = null;
      ListFile allowList = null;
      PolicyConfig policy = null;
      Map<String, Object> checks = new LinkedHashMap<>();
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        p.nextToken();
        try {
          switch (name) {
            case "default_country_code" -> countryCode = ctxt.readValue(p, String.class);
            case "emergency" -> emergency = ctxt.readValue(p, SipscreenConfig.Emergency.class);
            case "allow_list" -> allowList = ctxt.readValue(p, ListFile.class);
            case "policy" -> policy = ctxt.readValue(p, PolicyConfig.class);
            default -> {
              CheckModule<?, ?> module = CheckRegistry.module(name).orElseThrow(() ->
                  UnrecognizedPropertyException.from(p, SipscreenConfig.Screening.class, name,
                      known(SCREENING_KEYS, CheckRegistry.names())));
              checks.put(name, section(p, ctxt, module.configType()));
            }
          }
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, SipscreenConfig.Screening.class, name);
        }
      }
      try {
        return new SipscreenConfig.Screening(countryCode, emergency, allowList, policy, checks);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }

  static final class PeerChecksDeserializer extends JsonDeserializer<SipscreenConfig.PeerChecks> {
    @Override
    public SipscreenConfig.PeerChecks deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      requireObject(p, "checks");
      Map<String, PeerOverride> byCheck = new LinkedHashMap<>();
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        p.nextToken();
        CheckModule<?, ?> module = CheckRegistry.module(name).orElseThrow(() ->
            UnrecognizedPropertyException.from(p, SipscreenConfig.PeerChecks.class, name,
                known(List.of(), CheckRegistry.names())));
        try {
          byCheck.put(name, section(p, ctxt, module.peerOverrideType()));
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, SipscreenConfig.PeerChecks.class, name);
        }
      }
      return new SipscreenConfig.PeerChecks(byCheck);
    }
  }

  /** A section; an empty one ({@code velocity:} with nothing under it) is present with every default. */
  private static <T> T section(JsonParser p, DeserializationContext ctxt, Class<T> type) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return ctxt.readTreeAsValue(JsonNodeFactory.instance.objectNode(), type);
    }
    return ctxt.readValue(p, type);
  }

  private static void requireObject(JsonParser p, String what) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw JsonMappingException.from(p, what + " must be a mapping of keys to values, got " + p.getText());
    }
  }

  private static List<Object> known(List<String> fixed, List<String> checks) {
    List<Object> all = new ArrayList<>(fixed);
    all.addAll(checks);
    return all;
  }
}
