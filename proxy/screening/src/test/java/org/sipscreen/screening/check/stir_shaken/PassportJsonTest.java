package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader of PASSporT JSON reads each part as a Jackson tree with strict duplicate detection
 * reads it: the same parts are objects, and the same fields come out, for well-formed claims and for
 * every way of getting their shape wrong.
 */
class PassportJsonTest {

  private static final ObjectMapper TREE =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":1795867200,"
        + "\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"123e4567\"}",
    "{\"attest\":\"B\",\"dest\":{\"tn\":[\"1\",\"2\"],\"uri\":[\"sip:a@b\"]},\"iat\":0,"
        + "\"orig\":{\"tn\":\"1\",\"x\":{\"y\":[1,{\"z\":null}]}},\"origid\":\"\",\"ext\":[[],{}]}",
    "{\"div\":{\"tn\":\"12025550100\"},\"dest\":{\"tn\":[\"1\"]},\"iat\":-5,\"orig\":{\"tn\":\"1\"}}",
    // shapes that are wrong, each read as the tree read it
    "{\"iat\":1.0}", "{\"iat\":\"1795867200\"}", "{\"iat\":1e3}", "{\"iat\":99999999999999999999}",
    "{\"iat\":9223372036854775807}", "{\"iat\":-9223372036854775808}", "{\"iat\":null}",
    "{\"orig\":[\"12025550123\"]}", "{\"orig\":\"12025550123\"}", "{\"orig\":{}}", "{\"orig\":{\"tn\":1}}",
    "{\"orig\":{\"tn\":[\"1\"]}}", "{\"dest\":{\"tn\":[]}}", "{\"dest\":{\"tn\":\"1\"}}",
    "{\"dest\":{\"tn\":[\"1\",2]}}", "{\"dest\":{\"tn\":[\"1\",[\"2\"]]}}", "{\"dest\":[\"1\"]}",
    "{\"dest\":{}}", "{\"attest\":1}", "{\"attest\":{\"a\":\"A\"}}", "{\"origid\":[\"x\"]}",
    "{\"div\":{\"tn\":null}}", "{}", "{\"iat\":1} trailing text", "{\"iat\":1}{\"iat\":2}",
    // not one object: duplicates at any depth, truncated, not an object at all
    "{\"iat\":1,\"iat\":2}", "{\"orig\":{\"tn\":\"1\",\"tn\":\"2\"}}",
    "{\"x\":{\"a\":1,\"a\":2},\"iat\":1}", "{\"dest\":{\"tn\":[\"1\"]},\"x\":[{\"b\":1,\"b\":1}]}",
    "{\"iat\":1", "{\"orig\":{\"tn\":\"1\"}", "{\"dest\":{\"tn\":[\"1\"", "", "  ", "[1,2]", "null", "\"x\"",
    "12", "{\"iat\":1,}", "{'iat':1}", "{\"iat\":01}", "{\"iat\":NaN}"
  })
  void readsClaimsAsTheTreeDid(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThat(PassportJson.claims(bytes, bytes.length)).isEqualTo(claimsFromTree(bytes));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"https://a/b\"}",
    "{\"alg\":256,\"ppt\":[\"shaken\"],\"typ\":{\"t\":1},\"x5u\":null,\"kid\":\"k\"}",
    "{\"alg\":\"ES256\",\"crit\":[\"ppt\",1,[\"x\"],{\"a\":1}],\"ppt\":\"shaken\"}",
    "{\"crit\":\"ppt\"}", "{\"crit\":[]}", "{\"crit\":{}}", "{\"crit\":null}",
    "{\"alg\":\"ES256\",\"alg\":\"none\"}", "{\"alg\":\"ES256\"", "[]", "", "{\"alg\":\"ES256\"} x"
  })
  void readsHeadersAsTheTreeDid(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThat(PassportJson.header(bytes, bytes.length)).isEqualTo(headerFromTree(bytes));
  }

  /** What IdentityHeader and PassportVerifier read from a Jackson tree before the streaming reader. */
  private static PassportJson.Claims claimsFromTree(byte[] bytes) {
    ObjectNode claims = object(bytes);
    if (claims == null) {
      return null;
    }
    JsonNode iat = claims.get("iat");
    Long iatValue = iat != null && iat.canConvertToLong() && iat.isIntegralNumber() ? iat.longValue() : null;
    return new PassportJson.Claims(iatValue, singleTn(claims.get("orig")), tnList(claims.get("dest")),
        singleTn(claims.get("div")), text(claims, "attest"), text(claims, "origid"));
  }

  private static PassportJson.Header headerFromTree(byte[] bytes) {
    ObjectNode header = object(bytes);
    if (header == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    header.fieldNames().forEachRemaining(names::add);
    JsonNode crit = header.get("crit");
    List<Object> critElements = null;
    if (crit != null && !crit.isArray()) {
      critElements = PassportJson.CRIT_NOT_ARRAY;
    } else if (crit != null) {
      critElements = new ArrayList<>();
      for (JsonNode e : crit) {
        critElements.add(e.isTextual() ? e.textValue() : PassportJson.NOT_TEXT);
      }
    }
    return new PassportJson.Header(text(header, "alg"), text(header, "typ"), text(header, "ppt"),
        text(header, "x5u"), names, critElements);
  }

  private static ObjectNode object(byte[] bytes) {
    try {
      return TREE.readTree(bytes) instanceof ObjectNode o ? o : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String singleTn(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode tn = node.get("tn");
    return tn != null && tn.isTextual() ? tn.textValue() : null;
  }

  private static List<String> tnList(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode tn = node.get("tn");
    if (tn == null || !tn.isArray() || tn.isEmpty()) {
      return null;
    }
    List<String> tns = new ArrayList<>();
    for (JsonNode element : tn) {
      if (!element.isTextual()) {
        return null;
      }
      tns.add(element.textValue());
    }
    return tns;
  }
}
