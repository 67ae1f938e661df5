package io.linkexport.webhooks;

import io.linkexport.bus.ServiceException;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where webhooks may go (SSRF): https to public addresses only, checked on every resolution. */
class TargetPolicyTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void onlyGloballyRoutableAddressesArePublic() {
    for (String internal : List.of("127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255",
      "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "192.0.0.8",
      "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "255.255.255.255", "240.0.0.1",
      "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
      "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::10.0.0.1", "64:ff9b::a00:1", "64:ff9b::7f00:1",
      "64:ff9b:1::1", "100::1", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2001:0:4136:e378::1", "2001:2::1",
      "4000::1")) {
      assertThat(TargetPolicy.isPublic(ip(internal))).as(internal).isFalse();
    }
    for (String external : List.of("93.184.215.14", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.63.255.255",
      "100.128.0.1", "169.253.1.1", "192.169.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
      "2002:808:808::1", "2a00:1450:4001::1")) {
      assertThat(TargetPolicy.isPublic(ip(external))).as(external).isTrue();
    }
  }

  /** A resolver with fixed answers, as a DNS server that changes its answer would give them. */
  private static TargetPolicy policy(boolean allowPrivate, Map<String, List<String>> dns) {
    return new TargetPolicy(allowPrivate, host -> dns.containsKey(host)
      ? Future.succeededFuture(dns.get(host).stream().map(TargetPolicyTest::ip).toList())
      : Future.failedFuture(new UnknownHostException(host)));
  }

  private static ServiceException refusal(TargetPolicy p, String url) {
    Future<InetAddress> f;
    try {
      f = p.address(p.parse(url));
    } catch (ServiceException e) {
      return e;
    }
    assertThat(f.failed()).as(url + " refused").isTrue();
    return (ServiceException) f.cause();
  }

  @Test
  void urlsResolvingToInternalAddressesOrInClearAreRefusedNamingTheUrl() {
    TargetPolicy p = policy(false, Map.of("hooks.example.com", List.of("93.184.215.14"),
      "rebind.example.com", List.of("93.184.215.14", "127.0.0.1"), "localhost", List.of("127.0.0.1"),
      "metadata.example.com", List.of("169.254.169.254"), "127.0.0.1", List.of("127.0.0.1"),
      "10.0.0.1", List.of("10.0.0.1"), "169.254.169.254", List.of("169.254.169.254"), "::1", List.of("::1")));
    for (String url : List.of("https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest",
      "https://localhost/hook", "https://[::1]:8443/hook", "https://rebind.example.com/hook",
      "https://metadata.example.com/", "http://hooks.example.com/hook", "ftp://hooks.example.com/",
      "https://user:pw@hooks.example.com/", "https://nowhere.example.com/", "not a url", "/relative", "",
      "https://hooks.example.com./", "https://hooks.example.com:99999/", "https://hooks.example.com:0/",
      "https://[2606:4700:4700::1111]/hook")) {
      ServiceException e = refusal(p, url);
      assertThat(e.status()).as(url).isEqualTo(400);
      assertThat(e.field()).as(url).isEqualTo("url");
    }
    assertThat(p.address(p.parse("https://hooks.example.com/a?b=c")).result().getHostAddress())
      .isEqualTo("93.184.215.14");
    assertThat(p.parse("https://hooks.example.com/a?b=c").requestUri()).isEqualTo("/a?b=c");
  }

  @Test
  void theOperatorsFlagAllowsPlainHttpAndPrivateTargets() {
    TargetPolicy p = policy(true, Map.of("127.0.0.1", List.of("127.0.0.1")));
    TargetPolicy.Target t = p.parse("http://127.0.0.1:8099/in");
    assertThat(t.port()).isEqualTo(8099);
    assertThat(t.https()).isFalse();
    assertThat(p.address(t).result().getHostAddress()).isEqualTo("127.0.0.1");
  }
}
