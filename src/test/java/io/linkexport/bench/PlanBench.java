package io.linkexport.bench;

import io.linkexport.support.EmbeddedServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of issue 23's first step (the right plan at every size), run by {@code bench/run.sh --only plans}: for
 * each read plan ({@code EXPORT_READ_PLAN}: {@code auto}, and with {@code --plans auto,fast-start,total} the forced
 * ones beside it), each seeded size and both sorts (createdAt, clicks), the export job against the parallel COPY of
 * its own SELECT, alternating (medians), with the plan {@code auto} chose as the service logged it. Run it with
 * {@code --stock-pg} as well: the plan that wins depends on the cache the tables fit in.
 */
final class PlanBench {

  static final List<String> SORTS = List.of("createdAt", "clicks");

  private PlanBench() {
  }

  static String run(EmbeddedServices services, Map<String, String> env, List<Process> children, List<Bench.Size> sizes,
                    List<String> plans, int runs, Path dir) throws Exception {
    StringBuilder md = new StringBuilder(String.format("Export vs COPY by read plan (service at 256m; issue 23: the"
      + " export within 1.1x of the parallel COPY of its SELECT at every size, both sorts):%n%n| links | sort | plan"
      + " | chosen | COPY | export | export / COPY |%n|---|---|---|---|---|---|---|%n"));
    for (String plan : plans) {
      Map<String, String> e = new HashMap<>(env);
      e.put("EXPORT_READ_PLAN", plan);
      Bench.Service service = Bench.Service.start(e, children, "256m");
      for (Bench.Size s : sizes) {
        for (String sort : SORTS) {
          String filter = "{\"showArchived\":true,\"sortBy\":\"" + sort + "\"}";
          Bench.export(service, s, filter); // unmeasured: the JIT and the cache
          List<Long> copy = new ArrayList<>();
          List<Bench.ExportResult> exports = new ArrayList<>();
          for (int i = 0; i < runs; i++) {
            copy.add(Bench.copyBaseline(services, s, dir, false, filter)[0]);
            exports.add(Bench.export(service, s, filter));
          }
          long c = Bench.median(copy, x -> x);
          long x = Bench.median(exports, Bench.ExportResult::processingMs);
          String chosen = chosen();
          md.append(String.format("| %,d | %s | %s | %s | %,d ms | %,d ms | **%.2f** |%n", s.links(), sort, plan,
            chosen, c, x, c == 0 ? 0.0 : (double) x / c));
          System.out.printf("plan %s, %,d links by %s (%s): COPY %d ms, export %d ms%n", plan, s.links(), sort,
            chosen, c, x);
        }
      }
      service.stop();
    }
    return md.append(String.format("%n")).toString();
  }

  /** The plan of the service's last export, from its log ("export ... reads with the total (...) plan"). */
  private static String chosen() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("target/bench-service-256m.log"));
    for (int i = lines.size() - 1; i >= 0; i--) {
      int at = lines.get(i).indexOf("reads with the ");
      if (at >= 0) {
        String rest = lines.get(i).substring(at + "reads with the ".length());
        return rest.substring(0, rest.indexOf(' '));
      }
    }
    return "?";
  }
}
