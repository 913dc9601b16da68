package org.sipscreen.fleet;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;

/**
 * The Lua script that exchanges one key's counts with Redis in one round trip: it adds this instance's
 * new calls to the fleet's ring of time buckets and to this instance's own, and returns, per window, the
 * fleet's count minus this instance's: what the other instances counted. Time is Redis's ({@code TIME}),
 * so the instances' clocks need not agree.
 *
 * <p>Keys (one hash slot per counted key, for Redis Cluster): {@code <prefix>v:{<kind>:<id>}} holds the
 * fleet's counts, {@code <prefix>v:{<kind>:<id>}:<instance>} this instance's; fields
 * {@code <window>:<bucket>} (window 1, 2, 3 = 1 s, 1 min, 1 h; a bucket is a tenth of the window,
 * numbered since the epoch). Both expire a window and a bucket after the last call.
 */
final class CountScript {

  static final String LUA = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local delta = tonumber(ARGV[1])
      local windows = #ARGV - 2
      local result = {}
      for w = 1, windows do
        local width = tonumber(ARGV[w + 2])
        local current = math.floor(now / width)
        local prefix = w .. ':'
        if delta > 0 then
          redis.call('HINCRBY', KEYS[1], prefix .. current, delta)
          redis.call('HINCRBY', KEYS[2], prefix .. current, delta)
        end
        local fields = {}
        for i = 0, 9 do fields[i + 1] = prefix .. (current - i) end
        local all = redis.call('HMGET', KEYS[1], unpack(fields))
        local own = redis.call('HMGET', KEYS[2], unpack(fields))
        local others = 0
        for i = 1, 10 do
          others = others + (tonumber(all[i]) or 0) - (tonumber(own[i]) or 0)
        end
        result[w] = others
      end
      if delta > 0 then
        for k = 1, 2 do
          redis.call('PEXPIRE', KEYS[k], ARGV[2])
          if redis.call('HLEN', KEYS[k]) > windows * 12 then
            for _, f in ipairs(redis.call('HKEYS', KEYS[k])) do
              local sep = string.find(f, ':', 1, true)
              local w = tonumber(string.sub(f, 1, sep - 1))
              local width = tonumber(ARGV[w + 2])
              if width == nil or tonumber(string.sub(f, sep + 1)) <= math.floor(now / width) - 10 then
                redis.call('HDEL', KEYS[k], f)
              end
            end
          end
        end
      end
      return result
      """;

  private final String keyPrefix;
  private final String instanceId;
  private volatile String sha;

  CountScript(String keyPrefix, String instanceId) {
    this.keyPrefix = keyPrefix;
    this.instanceId = instanceId;
  }

  /** The fleet's hash of a counted key. */
  String fleetKey(SharedCounts.Kind kind, String id) {
    return keyPrefix + "v:{" + kind.tag + ":" + id + "}";
  }

  String ownKey(SharedCounts.Kind kind, String id) {
    return fleetKey(kind, id) + ":" + instanceId;
  }

  /** Loads the script (on every node of a cluster); answers its SHA-1. */
  RedisFuture<String> load(RedisClusterAsyncCommands<String, String> redis) {
    return redis.scriptLoad(LUA);
  }

  void loaded(String sha) {
    this.sha = sha;
  }

  boolean isLoaded() {
    return sha != null;
  }

  /** Forget the SHA: Redis lost its scripts (a restart), load again. */
  void unload() {
    sha = null;
  }

  /** Sends one entry (not flushed when the connection batches). */
  RedisFuture<List<Long>> send(RedisClusterAsyncCommands<String, String> redis, SharedCounts.Entry e) {
    List<Duration> windows = e.kind().windows();
    String[] args = new String[2 + windows.size()];
    args[0] = Integer.toString(e.delta());
    args[1] = Long.toString(windows.get(windows.size() - 1).toMillis() * 11 / 10);
    for (int w = 0; w < windows.size(); w++) {
      args[2 + w] = Long.toString(windows.get(w).toMillis() / 10);
    }
    return redis.evalsha(sha, ScriptOutputType.MULTI,
        new String[] {fleetKey(e.kind(), e.id()), ownKey(e.kind(), e.id())}, args);
  }
}
