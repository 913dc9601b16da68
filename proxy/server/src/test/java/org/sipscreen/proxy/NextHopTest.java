package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** IP literals are recognised by hand (no regex per message), exactly as the former patterns did. */
class NextHopTest {

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

  @Test
  void acceptsTheLiteralsThePatternsAcceptedAndNothingElse() throws Exception {
    List<String> hosts = List.of("127.0.0.1", "10.0.0.255", "0.0.0.0", "1.2.3", "1.2.3.4.5", "1234.1.1.1",
        "1.2.3.", ".1.2.3", "1..2.3", "a.b.c.d", "1.2.3.4a", "::1", "[::1]", "[2001:db8::5]", "2001:DB8::a",
        "::ffff:192.0.2.1", "[::1", "::g", "example.com", "host:5060", "", " 1.2.3.4", "1.2.3.4 ");
    for (String host : hosts) {
      String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      boolean literal = !host.isEmpty()
          && (IPV4.matcher(h).matches() || (h.indexOf(':') >= 0 && IPV6.matcher(h).matches()));
      InetAddress got = NextHop.ipLiteral(host);
      if (literal) {
        assertThat(got).as(host).isEqualTo(InetAddress.getByName(h));
      } else {
        assertThat(got).as(host).isNull();
      }
    }
    assertThat(NextHop.ipLiteral("[::1]")).isEqualTo(InetAddress.getByName("::1"));
    assertThat(NextHop.ipLiteral("010.1.1.1")).isEqualTo(InetAddress.getByName("10.1.1.1"));
    assertThat(NextHop.ipLiteral("255.255.255.255")).isEqualTo(InetAddress.getByName("255.255.255.255"));
    assertThat(NextHop.ipLiteral("127.0.0.1")).isEqualTo(InetAddress.getByName("127.0.0.1"));
  }

  @Test
  void aDottedQuadOutOfRangeIsNoLiteralAndNoHostNameEither() {
    for (String host : List.of("256.1.1.1", "1.2.3.256", "999.999.999.999", "[256.1.1.1]")) {
      InetAddress got = NextHop.ipLiteral(host);
      assertThat(got).as(host).isNull();
    }
    // the address of a literal carries no host name (nothing was looked up)
    assertThat(NextHop.ipLiteral("192.0.2.7").toString()).isEqualTo("/192.0.2.7");
    assertThat(NextHop.ipLiteral("2001:db8::7").toString()).isEqualTo("/2001:db8:0:0:0:0:0:7");
  }
}
