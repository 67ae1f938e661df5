package io.linkexport.support;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The test HTTP client of {@link TestApp}: a plain {@link HttpClient} that validates every response from the service
 * (String and byte[] bodies) against the service's OpenAPI document ({@link ApiContract}) before handing it over.
 * Responses of other hosts (S3 downloads) are not checked.
 */
final class ValidatingHttpClient extends HttpClient {

  private final HttpClient delegate;
  private final String base;
  private final Supplier<ApiContract> contract;

  ValidatingHttpClient(HttpClient delegate, String base, Supplier<ApiContract> contract) {
    this.delegate = delegate;
    this.base = base;
    this.contract = contract;
  }

  private <T> HttpResponse<T> checked(HttpResponse<T> res) {
    if (res.request().uri().toString().startsWith(base)) {
      contract.get().check(res);
    }
    return res;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler)
    throws IOException, InterruptedException {
    return checked(delegate.send(req, handler));
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    return delegate.sendAsync(req, handler).thenApply(this::checked);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest req, HttpResponse.BodyHandler<T> handler,
                                                          HttpResponse.PushPromiseHandler<T> push) {
    return delegate.sendAsync(req, handler, push).thenApply(this::checked);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
