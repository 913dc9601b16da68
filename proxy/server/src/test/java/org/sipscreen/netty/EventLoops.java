package org.sipscreen.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A NIO event loop group for the tests of one class: started before the first test, shut down after the
 * last. Register it as a static field:
 * <pre>
 *   &#64;RegisterExtension
 *   static final EventLoops loops = new EventLoops(2);
 *   ... loops.group() ...
 * </pre>
 */
public final class EventLoops implements BeforeAllCallback, AfterAllCallback {

  private final int threads;
  private EventLoopGroup group;

  public EventLoops(int threads) {
    this.threads = threads;
  }

  /** The running group; only between the class's first and last test. */
  public EventLoopGroup group() {
    if (group == null) {
      throw new IllegalStateException("EventLoops must be a static @RegisterExtension field");
    }
    return group;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    group = null;
  }
}
