package org.sipscreen.http.client;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * One GET: where, what, extra headers and the deadline for the whole exchange (DNS, waiting for a pooled
 * connection, connect, TLS and the complete response).
 *
 * @param origin scheme, host and port
 * @param target the request target, {@code /path?query}, already encoded
 * @param headers extra request headers (the client sets Host, User-Agent and Connection)
 * @param deadline the whole exchange
 * @param address connect here instead of resolving the origin's host (resolved beforehand, off any
 *     event loop); the address policy still applies
 * @param readsBodyOf the statuses whose body the caller wants; for any other status the exchange ends
 *     with the status and headers and an empty body, and the connection is not reused
 */
public record HttpGet(Origin origin, String target, Map<String, String> headers, Duration deadline,
    Optional<InetAddress> address, IntPredicate readsBodyOf) {

  public HttpGet {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(target, "target");
    if (!target.startsWith("/")) {
      throw new IllegalArgumentException("target must start with '/', was '" + target + "'");
    }
    headers = Map.copyOf(headers);
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(readsBodyOf, "readsBodyOf");
  }

  /** A GET of {@code target} that reads every response body and resolves the host itself. */
  public static HttpGet of(Origin origin, String target, Duration deadline) {
    return new HttpGet(origin, target, Map.of(), deadline, Optional.empty(), status -> true);
  }

  public HttpGet withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpGet(origin, target, more, deadline, address, readsBodyOf);
  }

  public HttpGet at(InetAddress resolved) {
    return new HttpGet(origin, target, headers, deadline, Optional.of(resolved), readsBodyOf);
  }

  public HttpGet readingBodyOnlyOf(IntPredicate statuses) {
    return new HttpGet(origin, target, headers, deadline, address, statuses);
  }
}
