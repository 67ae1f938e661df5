package io.linkexport.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The failure type of the bus contract: its wire form, its mapping from other failures, local delivery. */
class ServiceExceptionTest {

  /** Verifies that the wire form keeps code, message, field and retry-after, also behind other bytes. */
  @Test
  void theWireFormKeepsEveryPartOfTheFailure() {
    ServiceException.Codec codec = new ServiceException.Codec();
    for (ErrorCode code : ErrorCode.values()) {
      ServiceException sent = new ServiceException(code, "message of " + code + " ☕", "field-" + code, 0)
        .retryAfter(code.status() == 429 ? 17 : 1);
      Buffer wire = Buffer.buffer("header");
      codec.encodeToWire(wire, sent);
      ServiceException got = codec.decodeFromWire(6, wire);
      assertThat(got.code()).isEqualTo(code);
      assertThat(got.status()).isEqualTo(code.status()).isEqualTo(got.failureCode());
      assertThat(got.getMessage()).isEqualTo(sent.getMessage());
      assertThat(got.field()).isEqualTo("field-" + code);
      assertThat(got.retryAfterSeconds()).isEqualTo(sent.retryAfterSeconds());
      assertThat(got.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    }
  }

  /** Verifies that a code a newer peer knows and this one does not keeps its status. */
  @Test
  void anUnknownCodeFallsBackToTheGenericCodeOfItsStatus() {
    ServiceException got = ServiceException.fromJson(409, new JsonObject().put("code", "SOMETHING_NEW")
      .put("message", "m"));
    assertThat(got.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(ErrorCode.forStatus(418)).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(ErrorCode.forStatus(502)).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void otherFailuresMapToWhatTheyMeanForACaller() {
    assertThat(Failures.toService(new ReplyException(ReplyFailure.TIMEOUT, "t")).code())
      .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Failures.toService(new ReplyException(ReplyFailure.NO_HANDLERS, "n")).code())
      .isEqualTo(ErrorCode.UNAVAILABLE);
    ServiceException plain = Failures.toService(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 402, "pay"));
    assertThat(plain.code()).isEqualTo(ErrorCode.PLAN_REQUIRED);
    assertThat(plain.getMessage()).isEqualTo("pay");
    ServiceException down = Failures.toService(new PgException("restart", "FATAL", "57P01", null));
    assertThat(down.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(down.retryAfterSeconds()).isPositive();
    assertThat(Failures.toService(new RuntimeException("wrapped", new IOException("reset"))).code())
      .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Failures.toService(new IllegalStateException("a bug")).code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(Failures.toService(new PgException("dup", "ERROR", "23505", null)).code())
      .isEqualTo(ErrorCode.INTERNAL);
    assertThat(Failures.hasSqlState(new RuntimeException(new PgException("dup", "ERROR", "23505", null)),
      Failures.UNIQUE_VIOLATION)).isTrue();
  }

  /** Verifies that a consumer's failure reaches a local client as the same object, field and retry-after intact. */
  @Test
  void aLocalClientGetsTheFailureWhole() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ServiceException thrown = ServiceException.badRequest("sortBy", "sortBy must be one of ...").retryAfter(3);
      vertx.eventBus().<JsonObject>localConsumer("test.fail", m -> BusServer.serve(m, body -> {
        throw thrown;
      }));
      BusClient client = BusClient.local(vertx.eventBus(), 2_000);
      assertThatThrownBy(() -> client.request("test.fail", new JsonObject()).toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS)).cause().isSameAs(thrown);
      assertThatThrownBy(() -> client.request("test.nobody", new JsonObject()).toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      // a local-only type refuses to be encoded for another node
      Codecs.registerLocal(vertx.eventBus(), StringBuilder.class);
      Codecs.registerLocal(vertx.eventBus(), StringBuilder.class);
      StringBuilder local = new StringBuilder("same");
      vertx.eventBus().<StringBuilder>localConsumer("test.local", m -> m.reply(m.body()));
      Object back = vertx.eventBus().request("test.local", local, new DeliveryOptions().setSendTimeout(2_000))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
      assertThat(back).isSameAs(local);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
