package org.sipscreen.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sipscreen.records.DecisionJson;
import org.sipscreen.records.DecisionRecord;

/**
 * What a decision record costs the writer thread to serialize (one JSON line), for a tagged call and a
 * rejected one; and what building the record costs the event loop (a plain constructor).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionJsonBenchmark {

  final DecisionJson json = new DecisionJson();
  final InetSocketAddress peer = new InetSocketAddress("198.51.100.7", 5060);
  final InetSocketAddress next = new InetSocketAddress("10.0.0.5", 5060);
  final DecisionRecord tagged = DecisionRecordsBench.record(1_795_893_697_123L, 123_456, "+12025550123",
      "+13125550042", peer, "carrier-a", next, 1);
  final DecisionRecord rejected = DecisionRecordsBench.record(1_795_893_697_123L, 123_457, "+12025550123",
      "+13125550042", peer, "carrier-a", next, 0);
  long time = 1_795_893_697_123L;

  @Benchmark
  public int encodeTagged() {
    return json.encode(tagged);
  }

  @Benchmark
  public int encodeRejected() {
    return json.encode(rejected);
  }

  /** What the event loop pays: the record object (the queue offer is one ArrayBlockingQueue.offer). */
  @Benchmark
  public DecisionRecord buildRecord() {
    return new DecisionRecord(time++, tagged.callId(), tagged.transactionKey(), peer, "udp",
        tagged.callerRaw(), tagged.calleeRaw(), tagged.screening(), null, null, null,
        DecisionRecord.Delivery.FORWARDED, 0, null, next, "udp");
  }
}
