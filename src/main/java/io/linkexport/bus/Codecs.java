package io.linkexport.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/** Registration of the service's message codecs, and the codec of objects that only ever travel inside one JVM. */
public final class Codecs {

  private Codecs() {
  }

  /**
   * Registers {@code codec} as the default codec of {@code type}; a second registration (another verticle, another
   * client on the same bus) is a no-op. Synchronized: the check and the registration are not atomic in Vert.x.
   */
  public static synchronized <T> void registerDefault(EventBus bus, Class<T> type, MessageCodec<T, ?> codec) {
    try {
      bus.registerDefaultCodec(type, codec);
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier caller on this bus
    }
  }

  /**
   * Registers a codec for immutable objects sent to local consumers only: a delivery hands over the same instance
   * (no copy, no re-parse), and an attempt to send one to another node fails at once instead of being half-encoded.
   */
  public static <T> void registerLocal(EventBus bus, Class<T> type) {
    registerDefault(bus, type, new LocalOnly<>(type));
  }

  private record LocalOnly<T>(Class<T> type) implements MessageCodec<T, T> {

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      throw new IllegalStateException(type.getSimpleName() + " travels to local consumers only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException(type.getSimpleName() + " travels to local consumers only");
    }

    @Override
    public T transform(T t) {
      return t;
    }

    @Override
    public String name() {
      return "link-export.local." + type.getName();
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
