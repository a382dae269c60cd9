package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** All jobs of all layers present on the classpath, and the order to run them in. */
public final class JobRegistry {
  /** Layers in dependency order. */
  public static final List<String> LAYER_ORDER = List.of("bronze", "silver", "gold", "quality", "ml");

  private final Map<String, LakehouseJob> jobs;

  public JobRegistry(List<LakehouseJob> jobs) {
    Map<String, LakehouseJob> byName = new LinkedHashMap<>();
    for (LakehouseJob job : jobs) {
      if (byName.put(job.name(), job) != null) {
        throw new IllegalStateException("Two jobs are named " + job.name());
      }
    }
    this.jobs = byName;
  }

  /** Jobs of every {@link JobProvider} found by the service loader. */
  public static JobRegistry discover(LakehouseSettings settings) {
    List<JobProvider> providers = new ArrayList<>();
    ServiceLoader.load(JobProvider.class, JobRegistry.class.getClassLoader()).forEach(providers::add);
    providers.sort(Comparator.comparingInt(p -> layerRank(p.layer())));
    List<LakehouseJob> all = new ArrayList<>();
    for (JobProvider provider : providers) {
      all.addAll(provider.jobs(settings));
    }
    JobRegistry registry = new JobRegistry(all);
    ServiceLoader.load(RegistryCheck.class, JobRegistry.class.getClassLoader()).forEach(c -> c.check(registry, settings));
    return registry;
  }

  /** Every table some job writes. */
  public Set<TableName> outputs() {
    Set<TableName> out = new java.util.TreeSet<>(Comparator.comparing(TableName::toString));
    jobs.values().forEach(j -> out.addAll(j.outputs()));
    return out;
  }

  /**
   * Every job, layer by layer, each after the writers of the tables it reads or reports on, across layers: a job
   * that reports on a later layer's table (the gold exceptions on the ml layer's drift) runs after that table's writer,
   * which is pulled forward with what it needs.
   */
  public List<LakehouseJob> all() {
    List<LakehouseJob> members = new ArrayList<>();
    for (String layer : LAYER_ORDER) {
      members.addAll(layer(layer));
    }
    return topologicalOrder(members);
  }

  /** Layers that have at least one job. */
  public List<String> layers() {
    return LAYER_ORDER.stream().filter(l -> jobs.values().stream().anyMatch(j -> j.layer().equals(l))).toList();
  }

  /** Jobs of one layer in dependency order (a job runs after the jobs writing its inputs). */
  public List<LakehouseJob> layer(String layer) {
    List<LakehouseJob> members = jobs.values().stream().filter(j -> j.layer().equals(layer)).toList();
    return topologicalOrder(members);
  }

  /**
   * Resolves a {@code run} target: a layer name, {@code all}, or a job name.
   *
   * @throws LakehouseException (usage) naming the valid targets when nothing matches
   */
  public List<LakehouseJob> resolve(String target) {
    if ("all".equals(target)) {
      return all();
    }
    if (LAYER_ORDER.contains(target)) {
      List<LakehouseJob> layerJobs = layer(target);
      if (layerJobs.isEmpty()) {
        throw LakehouseException.usage("Layer '" + target + "' has no jobs yet. Layers with jobs: " + layers() + ".");
      }
      return layerJobs;
    }
    LakehouseJob job = jobs.get(target);
    if (job == null) {
      throw LakehouseException.usage("Unknown job or layer '" + target + "'. Run 'lakehouse jobs' to list them; layers: " + layers() + ", or 'all'.");
    }
    return List.of(job);
  }

  private static List<LakehouseJob> topologicalOrder(List<LakehouseJob> members) {
    Map<TableName, LakehouseJob> writer = new LinkedHashMap<>();
    for (LakehouseJob j : members) {
      for (TableName out : j.outputs()) {
        writer.put(out, j);
      }
    }
    List<LakehouseJob> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> visiting = new HashSet<>();
    for (LakehouseJob j : members) {
      visit(j, writer, done, visiting, ordered);
    }
    return ordered;
  }

  private static void visit(LakehouseJob job, Map<TableName, LakehouseJob> writer, Set<String> done,
      Set<String> visiting, List<LakehouseJob> ordered) {
    if (done.contains(job.name())) {
      return;
    }
    if (!visiting.add(job.name())) {
      throw new IllegalStateException("Job dependency cycle through " + job.name());
    }
    List<TableName> before = new ArrayList<>(job.inputs());
    before.addAll(job.orderAfter());
    for (TableName in : before) {
      LakehouseJob upstream = writer.get(in);
      if (upstream != null && upstream != job) {
        visit(upstream, writer, done, visiting, ordered);
      }
    }
    visiting.remove(job.name());
    done.add(job.name());
    ordered.add(job);
  }

  private static int layerRank(String layer) {
    int i = LAYER_ORDER.indexOf(layer);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
