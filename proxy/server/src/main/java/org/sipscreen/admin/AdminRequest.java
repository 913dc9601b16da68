package org.sipscreen.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One admin API request, copied off the Netty buffers: method, path, query parameters, body. */
public record AdminRequest(String method, String path, Map<String, List<String>> params, String body) {

  public AdminRequest {
    params = Map.copyOf(params);
  }

  /** The first value of a query parameter, blank values counting as absent. */
  public Optional<String> param(String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() || values.get(0).isBlank()
        ? Optional.empty() : Optional.of(values.get(0).strip());
  }
}
