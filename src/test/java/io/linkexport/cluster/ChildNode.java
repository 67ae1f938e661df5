package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.support.ApiContract;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A service node in a JVM of its own ({@code java -jar target/link-export.jar}), to be killed, stopped or frozen. */
record ChildNode(Process process, int httpPort, String name, File log) {

  /** Starts a node with {@code conf} as its environment and waits until it is healthy. */
  static ChildNode launch(JsonObject conf, String name) throws Exception {
    return launch(conf, name, EmbeddedServices.freePort());
  }

  /** As {@link #launch(JsonObject, String)} on a given HTTP port (a restarted node keeps its address). */
  static ChildNode launch(JsonObject conf, String name, int http) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
      "-jar", "target/link-export.jar");
    File log = new File("target/" + name + "-" + UUID.randomUUID().toString().substring(0, 4) + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
    Map<String, String> env = pb.environment();
    conf.forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    env.put(AppConfig.HTTP_PORT, String.valueOf(http));
    env.put(AppConfig.HTTP_HOST, "127.0.0.1");
    env.put("CONFIG_FILE", "/nonexistent");
    return new ChildNode(pb.start(), http, name, log);
  }

  TestApp.Res get(String path, String token) throws Exception {
    HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + path)).header("Authorization", "Bearer " + token).build(),
      HttpResponse.BodyHandlers.ofString());
    ApiContract.served("http://127.0.0.1:" + httpPort).check(res);
    return new TestApp.Res(res.statusCode(), new JsonObject(res.body()), res);
  }

  /** Waits until the node answers /health with 200; fails with the end of its log if it exits or takes 90 s. */
  void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " while starting; the end of "
          + log + ":\n" + tail(40));
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(name + " did not become healthy in 90 s; the end of " + log + ":\n" + tail(40));
      }
      Thread.sleep(200); // polling a process that gives no other signal of readiness
    }
  }

  /** Sends a signal (STOP, CONT) to the node's process. */
  void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log.toPath());
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
