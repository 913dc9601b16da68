package org.sipscreen.records;

/** A line the {@link DecisionRecorder} writes: a {@link DecisionRecord} or a {@link CallOutcome}. */
public sealed interface Recorded permits DecisionRecord, CallOutcome {

  /** When it happened, UTC epoch milliseconds: the hour of the file it goes to. */
  long timeMillis();
}
