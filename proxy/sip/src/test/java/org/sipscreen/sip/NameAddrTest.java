package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NameAddrTest {

  @Test
  void readsQuotedDisplayNameBracketedUriAndTag() {
    NameAddr a = NameAddr.parse("\"Alice Liddell\" <sip:alice@example.com;transport=tcp>;tag=9fxced76sl");
    assertThat(a.displayName()).isEqualTo("\"Alice Liddell\"");
    assertThat(a.unquotedDisplayName()).isEqualTo("Alice Liddell");
    assertThat(a.uri()).isEqualTo("sip:alice@example.com;transport=tcp");
    assertThat(a.bracketed()).isTrue();
    assertThat(a.tag()).isEqualTo("9fxced76sl");
    assertThat(a.params().size()).isEqualTo(1);
  }

  @Test
  void keepsEscapedQuotesAndCommasInsideQuotedDisplayName() {
    NameAddr a = NameAddr.parse("\"Smith, \\\"J\\\"\" <sip:j@example.com>");
    assertThat(a.unquotedDisplayName()).isEqualTo("Smith, \\\"J\\\"");
    assertThat(a.uri()).isEqualTo("sip:j@example.com");
    assertThat(a.tag()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Alice <sip:alice@example.com>|Alice",
      "Alice  Liddell <sip:alice@example.com>|Alice  Liddell",
      "caller<sip:caller@example.com>|caller",
      "<sip:alice@example.com>|''"})
  void readsTokenDisplayNamesWithOrWithoutSpaceBeforeTheBracket(String value, String display) {
    NameAddr a = NameAddr.parse(value);
    assertThat(a.displayName()).isEqualTo(display);
    assertThat(a.uri()).isEqualTo(value.substring(value.indexOf('<') + 1, value.indexOf('>')));
  }

  @Test
  void readsParametersAfterBareAddrSpecAsHeaderParameters() {
    NameAddr a = NameAddr.parse("sip:user@host.example.com;unknownparam;tag=77");
    assertThat(a.bracketed()).isFalse();
    assertThat(a.uri()).isEqualTo("sip:user@host.example.com");
    assertThat(a.params().has("unknownparam")).isTrue();
    assertThat(a.params().get("unknownparam")).isNull();
    assertThat(a.tag()).isEqualTo("77");
  }

  @Test
  void keepsParametersInsideBracketsWithTheUri() {
    NameAddr a = NameAddr.parse("<sip:user@host.example.com;unknownparam>");
    assertThat(a.uri()).isEqualTo("sip:user@host.example.com;unknownparam");
    assertThat(a.params().size()).isZero();
  }

  @Test
  void acceptsIpv6HostAndEscapedHeadersInsideBrackets() {
    assertThat(NameAddr.parse("<sip:alice@[2001:db8::10]:5070>;expires=60").uri())
        .isEqualTo("sip:alice@[2001:db8::10]:5070");
    assertThat(NameAddr.parse("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>").uri())
        .isEqualTo("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
  }

  @Test
  void acceptsUserPartWithSemicolonAndQuestionMarkWhenBracketed() {
    NameAddr a = NameAddr.parse("<sip:user;par=u%40example.net@example.com>");
    assertThat(SipUri.parse(a.uri()).user()).isEqualTo("user;par=u%40example.net");
    NameAddr b = NameAddr.parse("\"BEL\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>");
    assertThat(SipUri.parse(b.uri()).user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  }

  @Test
  void readsQuotedTagAndLwsAroundParameterEquals() {
    NameAddr a = NameAddr.parse("sip:a@example.com ;  tag  =  x1 ; note=\"a;b\"");
    assertThat(a.tag()).isEqualTo("x1");
    assertThat(a.params().get("note")).isEqualTo("\"a;b\"");
  }

  @Test
  void formatReplacesDisplayNameAndUriAndKeepsHeaderParameters() {
    NameAddr a = NameAddr.parse("\"Alice\" <sip:alice@example.com>;tag=1;x");
    assertThat(a.format("\"Bob\"", "sip:bob@example.net")).isEqualTo("\"Bob\" <sip:bob@example.net>;tag=1;x");
    assertThat(a.format("", "tel:+15551234567")).isEqualTo("<tel:+15551234567>;tag=1;x");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\"Mr. J. User <sip:j.user@example.com>",           // unbalanced quote (RFC 4475 quotbal)
      "\"Alice\" sip:alice@example.com",                   // quoted display name without <>
      "<sip:alice@example.com",                            // no closing bracket
      "\"Watson, Thomas\" < sip:t.watson@example.org >",   // spaces inside <> (RFC 4475 badaspec)
      "<sip:bell@example .com>",                           // space inside the URI
      "Bell, Alexander <sip:a.g.bell@example.com>;tag=43", // non-token display name (RFC 4475 baddn)
      "<sip:alice@example.com>;;tag=1",                    // empty parameter
      "<sip:alice@example.com>;tag=1;",                    // trailing ;
      "<sip:alice@example.com>;tag=",                      // empty value
      "\"Joe\" <sip:joe@example.org>;;;;",                 // RFC 4475 badinv01
      "sip:user@example.com?Route=%3Csip:sip.example.com%3E", // headers without <> (regbadct)
      "sip:user;par=u%40example.net@example.com",          // ; in user part without <>
      "alice@example.com",                                 // no scheme
      "<>",                                                // empty URI
      "",
      "   ",
      "<sip:alice@example.com> junk"})
  void refusesMalformedValues(String value) {
    assertThatThrownBy(() -> NameAddr.parse(value)).isInstanceOf(SipSyntaxException.class);
  }
}
