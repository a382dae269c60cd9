package io.profitos.lakehouse.app;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.LakehouseJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Airflow schedules ({@code lakehouse.schedules}) resolved against the job registry, as the JSON the DAG file
 * {@code airflow-dags/saas_metrics.py} reads: per DAG its cron, business date rule and tasks, each task's lakehouse
 * arguments, upstream tasks and the jobs it runs. Every {@code run} target must resolve, every model must have its
 * file, and the task graph must be acyclic, or the export fails naming the key. The committed
 * {@code airflow-dags/lakehouse_dags.json} is checked against a fresh export by the tests, so the DAGs cannot drift from
 * the code or the configuration.
 */
final class AirflowExport {
  static final String SCHEDULES = "lakehouse.schedules";
  /** Commands that take --run-date (the others ignore the business date). */
  private static final Set<String> DATED = Set.of("run", "ml score", "quality report", "quality validate");
  private static final Set<String> RUN_DATE_RULES = Set.of("data-interval", "previous-iso-week");

  private AirflowExport() {}

  static String export(LakehouseSettings settings, JobRegistry registry, Set<String> models) {
    Config config = settings.config();
    Config airflow = config.getConfig("lakehouse.airflow");
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("generated_by", "lakehouse airflow export (from conf/: lakehouse.schedules, lakehouse.run-groups, lakehouse.airflow)");
    root.put("application_jar", airflow.getString("application-jar"));
    root.put("main_class", airflow.getString("main-class"));
    root.put("connection_id", airflow.getString("connection-id"));
    root.put("pool", airflow.getString("pool"));
    root.put("env", airflow.getString("env"));
    root.put("retries", airflow.getInt("retries"));
    root.put("retry_delay_seconds", airflow.getDuration("retry-delay").toSeconds());
    root.put("execution_timeout_seconds", airflow.getDuration("execution-timeout").toSeconds());
    ArrayNode noRetry = root.putArray("fail_without_retry_exit_codes");
    noRetry.add(LakehouseException.EXIT_USAGE).add(LakehouseException.EXIT_QUALITY_GATE).add(LakehouseException.EXIT_INPUT_REJECTED);
    ArrayNode dags = root.putArray("dags");
    Config schedules = config.hasPath(SCHEDULES) ? config.getConfig(SCHEDULES) : null;
    if (schedules == null || schedules.root().isEmpty()) {
      throw LakehouseException.usage(SCHEDULES + " is empty: configure the DAGs to export (see reference.conf).");
    }
    for (String dagId : new TreeSet<>(schedules.root().keySet())) {
      dags.add(dag(json, dagId, schedules.getConfig(dagId), registry, models));
    }
    try {
      DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      return json.writer(pretty).writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode dag(ObjectMapper json, String dagId, Config c, JobRegistry registry, Set<String> models) {
    String key = SCHEDULES + "." + dagId;
    ObjectNode dag = json.createObjectNode();
    dag.put("dag_id", dagId);
    try {
      dag.put("description", c.getString("description"));
      String cron = c.getString("cron");
      if (cron.startsWith("@") || cron.trim().split("\\s+").length != 5) {
        throw LakehouseException.usage(key + ".cron must be a five-field cron expression (UTC), not '" + cron
            + "' (Airflow 3 reads presets such as @daily differently).");
      }
      dag.put("cron", cron);
      dag.put("timezone", "UTC");
      String rule = c.getString("run-date");
      if (!RUN_DATE_RULES.contains(rule)) {
        throw LakehouseException.usage(key + ".run-date must be one of " + RUN_DATE_RULES + ", not '" + rule + "'.");
      }
      dag.put("run_date", rule);
      ArrayNode tasks = dag.putArray("tasks");
      Set<String> ids = new LinkedHashSet<>();
      List<? extends Config> taskConfs = c.getConfigList("tasks");
      for (Config t : taskConfs) {
        if (!ids.add(t.getString("id"))) {
          throw LakehouseException.usage(key + ".tasks: two tasks have the id '" + t.getString("id") + "'.");
        }
      }
      for (int i = 0; i < taskConfs.size(); i++) {
        tasks.add(task(json, key + ".tasks[" + i + "]", taskConfs.get(i), ids, registry, models));
      }
      checkAcyclic(key, taskConfs);
    } catch (ConfigException e) {
      throw LakehouseException.usage(key + ": " + e.getMessage());
    }
    return dag;
  }

  private static ObjectNode task(ObjectMapper json, String key, Config t, Set<String> ids, JobRegistry registry, Set<String> models) {
    ObjectNode task = json.createObjectNode();
    task.put("task_id", t.getString("id"));
    List<String> command = t.getStringList("command");
    if (command.isEmpty()) {
      throw LakehouseException.usage(key + ".command is empty.");
    }
    ArrayNode args = task.putArray("arguments");
    command.forEach(args::add);
    ArrayNode upstream = task.putArray("upstream");
    for (String u : t.hasPath("after") ? t.getStringList("after") : List.<String>of()) {
      if (!ids.contains(u)) {
        throw LakehouseException.usage(key + ".after names '" + u + "', which is not a task of this DAG.");
      }
      upstream.add(u);
    }
    String verb = command.get(0) + (command.size() > 1 && Set.of("ml", "quality").contains(command.get(0)) ? " " + command.get(1) : "");
    task.put("passes_run_date", DATED.contains(verb));
    ArrayNode jobs = task.putArray("jobs");
    switch (verb) {
      case "run" -> {
        if (command.size() != 2) {
          throw LakehouseException.usage(key + ".command: 'run' takes one target (jobs, layers or groups separated by commas).");
        }
        for (LakehouseJob j : registry.resolve(command.get(1))) {
          jobs.add(j.name());
        }
      }
      case "ml train", "ml score" -> {
        if (command.size() != 3 || !models.contains(command.get(2))) {
          throw LakehouseException.usage(key + ".command: '" + verb + "' takes one model of " + new TreeSet<>(models) + ".");
        }
      }
      case "quality report", "maintain" -> {
        // No job of the registry: a report over the ops tables, and maintenance of every table.
      }
      default -> throw LakehouseException.usage(key + ".command: '" + String.join(" ", command)
          + "' is not a scheduled command (run, ml train, ml score, quality report, maintain).");
    }
    return task;
  }

  private static void checkAcyclic(String key, List<? extends Config> tasks) {
    Set<String> done = new HashSet<>();
    List<Config> left = new ArrayList<>(tasks);
    while (!left.isEmpty()) {
      boolean progress = left.removeIf(t -> {
        List<String> after = t.hasPath("after") ? t.getStringList("after") : List.of();
        if (done.containsAll(after)) {
          done.add(t.getString("id"));
          return true;
        }
        return false;
      });
      if (!progress) {
        throw LakehouseException.usage(key + ".tasks: the 'after' lists form a cycle through "
            + left.stream().map(t -> t.getString("id")).toList() + ".");
      }
    }
  }
}
