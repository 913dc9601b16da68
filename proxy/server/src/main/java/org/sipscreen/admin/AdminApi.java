package org.sipscreen.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.sipscreen.config.AdminAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /admin/} part of the HTTP port: a route table (path to methods and handler) behind one
 * authorization check, so every route, whoever registers it, gets the same protection. Handlers answer
 * with a future: quick ones complete at once on the event loop, slow ones (a reload) complete on their own
 * thread, and the answer is written from there. Bodies are JSON (Jackson).
 */
public final class AdminApi {

  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One admin endpoint. */
  @FunctionalInterface
  public interface Handler {
    CompletionStage<AdminResponse> handle(AdminRequest request) throws Exception;
  }

  private record Route(Set<String> methods, Handler handler) {}

  private final Supplier<AdminAuth> auth;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  /** @param auth read per request, so a reload can change the token */
  public AdminApi(Supplier<AdminAuth> auth) {
    this.auth = auth;
  }

  /**
   * Serves {@code path} (e.g. {@code /admin/lists}) for the given HTTP methods; other methods get 405. A
   * path ending in {@code /} (e.g. {@code /admin/bans/}) serves every path under it that no other route
   * serves; the handler reads the rest from {@link AdminRequest#path}.
   *
   * @throws IllegalArgumentException when the path is not under /admin/ or is taken
   */
  public AdminApi route(String path, Set<String> methods, Handler handler) {
    if (!path.startsWith("/admin/")) {
      throw new IllegalArgumentException("admin routes live under /admin/, not " + path);
    }
    if (routes.putIfAbsent(path, new Route(Set.copyOf(methods), handler)) != null) {
      throw new IllegalArgumentException("admin route " + path + " is already served");
    }
    return this;
  }

  /** Handles one request whose path starts with /admin/; writes the answer when it is ready. */
  public void handle(ChannelHandlerContext ctx, FullHttpRequest http) {
    QueryStringDecoder uri = new QueryStringDecoder(http.uri());
    boolean keepAlive = HttpUtil.isKeepAlive(http);
    AdminAuth a = auth.get();
    CompletionStage<AdminResponse> answer;
    if (!a.enabled()) {
      answer = done(AdminResponse.error(404, "not found"));
    } else if (!a.allows(http.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      answer = done(AdminResponse.error(401, "a valid bearer token is required"));
    } else {
      Route route = routeOf(uri.path());
      String method = http.method().name();
      if (route == null) {
        answer = done(AdminResponse.error(404, "no such admin endpoint: " + uri.path()));
      } else if (!route.methods().contains(method)) {
        answer = done(AdminResponse.error(405, method + " not allowed; use " + route.methods()));
      } else {
        AdminRequest request = new AdminRequest(method, uri.path(), uri.parameters(),
            http.content().toString(StandardCharsets.UTF_8));
        try {
          answer = route.handler().handle(request);
        } catch (IllegalArgumentException e) {
          answer = done(AdminResponse.error(400, e.getMessage()));
        } catch (Exception e) {
          answer = CompletableFuture.failedFuture(e);
        }
      }
    }
    answer.whenComplete((response, failure) -> {
      AdminResponse r = response;
      if (failure != null) {
        log.warn("admin {} failed: {}", uri.path(), failure.toString());
        r = AdminResponse.error(500, "internal error: " + failure);
      }
      write(ctx, r, keepAlive);
    });
  }

  /** The route of {@code path}: its own, else that of the longest prefix route ({@code /admin/x/}) above it. */
  private Route routeOf(String path) {
    Route route = routes.get(path);
    for (int slash = path.lastIndexOf('/'); route == null && slash > "/admin".length();
        slash = path.lastIndexOf('/', slash - 1)) {
      route = routes.get(path.substring(0, slash + 1));
    }
    return route;
  }

  private static CompletionStage<AdminResponse> done(AdminResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static void write(ChannelHandlerContext ctx, AdminResponse r, boolean keepAlive) {
    byte[] body;
    String contentType = "application/json";
    try {
      if (r.body() instanceof AdminResponse.Text t) {
        body = t.text().getBytes(StandardCharsets.UTF_8);
        contentType = t.contentType();
      } else {
        body = JSON.writeValueAsBytes(r.body());
      }
    } catch (JsonProcessingException e) {
      body = ("{\"error\": \"cannot write the answer\"}").getBytes(StandardCharsets.UTF_8);
      r = new AdminResponse(500, null);
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    if (r.status() == 401) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sipscreen\"");
    }
    HttpUtil.setContentLength(response, body.length);
    HttpUtil.setKeepAlive(response, keepAlive);
    var f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
