package org.sipscreen.fleet;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;

/**
 * The Lua script that exchanges counted keys with Redis, many keys per call: for each it adds this
 * instance's new calls to the fleet's ring of time buckets and to this instance's own, and returns, per
 * window, the fleet's count minus this instance's: what the other instances counted. Time is Redis's
 * ({@code TIME}), so the instances' clocks need not agree.
 *
 * <p>Keys (one hash slot per counted key, for Redis Cluster): {@code <prefix>v:{<kind>:<id>}} holds the
 * fleet's counts, {@code <prefix>v:{<kind>:<id>}:<instance>} this instance's; fields
 * {@code <window>:<bucket>} (window 1, 2, 3 = 1 s, 1 min, 1 h; a bucket is a tenth of the window,
 * numbered since the epoch). Both expire a window and a bucket after the last call.
 *
 * <p>A call carries its keys packed in one argument and gets its answer as one string, so that its cost
 * on this side (arguments built and encoded, the reply decoded) does not grow with a list element per
 * key and window: {@code <tag><length>:<id><delta>;} per key (the id's length in bytes), and back the
 * others' counts, window after window and key after key, separated by spaces. The script builds the key
 * names from the tag and id; the first key of the call is also declared, so that a cluster routes the
 * call to its slot (every key of one call must be in that slot).
 */
final class CountScript {

  static final String LUA = kinds() + """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local prefix, suffix, data = ARGV[1], ARGV[2], ARGV[3]
      local result = {}
      local p, n = 1, #data
      while p <= n do
        local tag = string.sub(data, p, p)
        local colon = string.find(data, ':', p + 1, true)
        local last = colon + tonumber(string.sub(data, p + 1, colon - 1))
        local fleet = prefix .. tag .. ':' .. string.sub(data, colon + 1, last) .. '}'
        local semi = string.find(data, ';', last + 1, true)
        local delta = tonumber(string.sub(data, last + 1, semi - 1))
        p = semi + 1
        local keys = {fleet, fleet .. suffix}
        local kind = KINDS[tag]
        local widths = kind[2]
        local windows = #widths
        local fields = {}
        for w = 1, windows do
          local current = math.floor(now / widths[w])
          local field = w .. ':'
          if delta > 0 then
            redis.call('HINCRBY', keys[1], field .. current, delta)
            redis.call('HINCRBY', keys[2], field .. current, delta)
          end
          for i = 0, 9 do fields[#fields + 1] = field .. (current - i) end
        end
        local all = redis.call('HMGET', keys[1], unpack(fields))
        local own = redis.call('HMGET', keys[2], unpack(fields))
        for w = 0, windows - 1 do
          local others = 0
          for i = w * 10 + 1, w * 10 + 10 do
            others = others + (tonumber(all[i]) or 0) - (tonumber(own[i]) or 0)
          end
          result[#result + 1] = others
        end
        if delta > 0 then
          for _, key in ipairs(keys) do
            redis.call('PEXPIRE', key, kind[1])
            if redis.call('HLEN', key) > windows * 12 then
              for _, f in ipairs(redis.call('HKEYS', key)) do
                local sep = string.find(f, ':', 1, true)
                local w = tonumber(string.sub(f, 1, sep - 1))
                local width = w and widths[w]
                if not width or tonumber(string.sub(f, sep + 1)) <= math.floor(now / width) - 10 then
                  redis.call('HDEL', key, f)
                end
              end
            end
          end
        end
      end
      return table.concat(result, ' ')
      """;

  /**
   * The Lua table of the kinds: tag to {expiry in ms (the longest window and a bucket), bucket width in
   * ms per window}.
   */
  private static String kinds() {
    StringBuilder lua = new StringBuilder("local KINDS = {");
    for (SharedCounts.Kind kind : SharedCounts.Kind.values()) {
      List<Duration> windows = kind.windows();
      lua.append(kind.tag).append(" = {").append(windows.get(windows.size() - 1).toMillis() * 11 / 10)
          .append(", {");
      for (int w = 0; w < windows.size(); w++) {
        lua.append(w == 0 ? "" : ", ").append(windows.get(w).toMillis() / 10);
      }
      lua.append("}}, ");
    }
    return lua.append("}\n").toString();
  }

  private final String keyPrefix;
  private final String instanceId;
  /** What the script puts before a key's tag and id: {@code <prefix>v:{}. */
  private final String namePrefix;
  /** What the script puts after a fleet key's name to name this instance's: {@code :<instance>}. */
  private final String ownSuffix;
  /** The packed argument being built (the fleet thread's only). */
  private final StringBuilder packed = new StringBuilder(4096);
  private volatile String sha;

  CountScript(String keyPrefix, String instanceId) {
    this.keyPrefix = keyPrefix;
    this.instanceId = instanceId;
    this.namePrefix = keyPrefix + "v:{";
    this.ownSuffix = ":" + instanceId;
  }

  /** The fleet's hash of a counted key. */
  String fleetKey(SharedCounts.Kind kind, String id) {
    return namePrefix + kind.tag + ":" + id + "}";
  }

  String ownKey(SharedCounts.Kind kind, String id) {
    return fleetKey(kind, id) + ownSuffix;
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
   * to one slot of a cluster ({@link #slot}). Read the answer with {@link Answer}. Fleet thread only.
   */
  RedisFuture<String> send(RedisClusterAsyncCommands<String, String> redis, List<SharedCounts.Entry> entries) {
    StringBuilder out = packed;
    out.setLength(0);
    for (SharedCounts.Entry e : entries) {
      out.append(e.kind().tag).append(utf8Length(e.id())).append(':').append(e.id()).append(e.delta())
          .append(';');
    }
    SharedCounts.Entry first = entries.get(0);
    String[] keys = {fleetKey(first.kind(), first.id())};
    return redis.evalsha(sha, ScriptOutputType.VALUE, keys, namePrefix, ownSuffix, out.toString());
  }

  /** The cluster hash slot of an entry's keys (both carry the same hash tag). */
  int slot(SharedCounts.Entry e) {
    return SlotHash.getSlot(fleetKey(e.kind(), e.id()));
  }

  private static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair: 2 chars, 4 bytes
      }
    }
    return n;
  }

  /** Reads a script's answer, one count after the other (non-negative decimal numbers separated by spaces). */
  static final class Answer {
    private final String text;
    private int at;

    Answer(String text) {
      this.text = text == null ? "" : text;
    }

    /** The next count; throws when the answer has no more. */
    long next() {
      int n = text.length();
      while (at < n && text.charAt(at) == ' ') {
        at++;
      }
      if (at >= n) {
        throw new IllegalStateException("the count script answered fewer counts than asked");
      }
      boolean negative = text.charAt(at) == '-';
      if (negative) {
        at++;
      }
      long value = 0;
      int start = at;
      for (char c; at < n && (c = text.charAt(at)) != ' '; at++) {
        if (c < '0' || c > '9') {
          throw new IllegalStateException("the count script answered a count that is not a number: " + text);
        }
        value = value * 10 + (c - '0');
      }
      if (at == start) {
        throw new IllegalStateException("the count script answered an empty count");
      }
      return negative ? -value : value;
    }
  }
}
