package org.sipscreen.screening.check.source_peer;

import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;

/** Builds source_peer from {@code screening.source_peer} and the peers' networks; always on. */
public final class SourcePeerModule extends CheckModule<SourcePeerConfig, SourcePeerCheck> {

  public static final SourcePeerModule INSTANCE = new SourcePeerModule();

  private SourcePeerModule() {
    super(SourcePeerCheck.NAME, SourcePeerConfig.class, SourcePeerCheck.class);
  }

  @Override
  public SourcePeerConfig whenAbsent() {
    return SourcePeerConfig.DEFAULT;
  }

  /** The warm-up plays its calls from loopback: there the check knows 127.0.0.1 as a peer too. */
  @Override
  public SourcePeerCheck forWarmup(SourcePeerCheck prepared) {
    return prepared.withWarmupLoopback();
  }

  @Override
  public SourcePeerCheck build(SourcePeerConfig config, CheckContext context) {
    return new SourcePeerCheck(context.peers(), config.onUnknown());
  }
}
