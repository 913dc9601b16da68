package org.sipscreen.fleet;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lua script that exchanges counted keys with Redis, many keys per call: for each it adds this
 * instance's new calls to the fleet's ring of time buckets and to this instance's own, and returns, per
 * window, the fleet's count minus this instance's: what the other instances counted. Time is Redis's ({@code TIME}),
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
      local result = {}
      local a = 1
      for k = 1, #KEYS, 2 do
        local delta = tonumber(ARGV[a])
        local ttl = ARGV[a + 1]
        local windows = tonumber(ARGV[a + 2])
        for w = 1, windows do
          local width = tonumber(ARGV[a + 2 + w])
          local current = math.floor(now / width)
          local prefix = w .. ':'
          if delta > 0 then
            redis.call('HINCRBY', KEYS[k], prefix .. current, delta)
            redis.call('HINCRBY', KEYS[k + 1], prefix .. current, delta)
          end
          local fields = {}
          for i = 0, 9 do fields[i + 1] = prefix .. (current - i) end
          local all = redis.call('HMGET', KEYS[k], unpack(fields))
          local own = redis.call('HMGET', KEYS[k + 1], unpack(fields))
          local others = 0
          for i = 1, 10 do
            others = others + (tonumber(all[i]) or 0) - (tonumber(own[i]) or 0)
          end
          result[#result + 1] = others
        end
        if delta > 0 then
          for h = k, k + 1 do
            redis.call('PEXPIRE', KEYS[h], ttl)
            if redis.call('HLEN', KEYS[h]) > windows * 12 then
              for _, f in ipairs(redis.call('HKEYS', KEYS[h])) do
                local sep = string.find(f, ':', 1, true)
                local w = tonumber(string.sub(f, 1, sep - 1))
                local width = w and w <= windows and tonumber(ARGV[a + 2 + w])
                if not width or tonumber(string.sub(f, sep + 1)) <= math.floor(now / width) - 10 then
                  redis.call('HDEL', KEYS[h], f)
                end
              end
            end
          end
        end
        a = a + 3 + windows
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

  /**
   * Sends the entries as one script call (not flushed while the connection batches); they must all hash
   * to one slot of a cluster ({@link #slot}). The answer lists, entry after entry, the others' count in
   * each of the entry's windows.
   */
  RedisFuture<List<Long>> send(RedisClusterAsyncCommands<String, String> redis, List<SharedCounts.Entry> entries) {
    String[] keys = new String[entries.size() * 2];
    List<String> args = new ArrayList<>(entries.size() * 6);
    int k = 0;
    for (SharedCounts.Entry e : entries) {
      keys[k++] = fleetKey(e.kind(), e.id());
      keys[k++] = ownKey(e.kind(), e.id());
      List<Duration> windows = e.kind().windows();
      args.add(Integer.toString(e.delta()));
      args.add(Long.toString(windows.get(windows.size() - 1).toMillis() * 11 / 10));
      args.add(Integer.toString(windows.size()));
      for (Duration w : windows) {
        args.add(Long.toString(w.toMillis() / 10));
      }
    }
    return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args.toArray(new String[0]));
  }

  /** The cluster hash slot of an entry's keys (both carry the same hash tag). */
  int slot(SharedCounts.Entry e) {
    return SlotHash.getSlot(fleetKey(e.kind(), e.id()));
  }
}
