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

  /** Where run groups are configured: a name and its list of jobs and layers. */
  public static final String GROUPS_KEY = "lakehouse.run-groups";

  private final Map<String, LakehouseJob> jobs;
  private final Map<String, List<String>> groups;

  public JobRegistry(List<LakehouseJob> jobs) {
    this(jobs, Map.of());
  }

  /**
   * @param groups run groups: a name and its members (job or layer names), e.g. the hourly revenue refresh's jobs
   * @throws LakehouseException (configuration) naming the group when a member is unknown or a name is taken
   */
  public JobRegistry(List<LakehouseJob> jobs, Map<String, List<String>> groups) {
    Map<String, LakehouseJob> byName = new LinkedHashMap<>();
    for (LakehouseJob job : jobs) {
      if (byName.put(job.name(), job) != null) {
        throw new IllegalStateException("Two jobs are named " + job.name());
      }
    }
    this.jobs = byName;
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      String key = GROUPS_KEY + "." + g.getKey();
      if (byName.containsKey(g.getKey()) || LAYER_ORDER.contains(g.getKey()) || "all".equals(g.getKey())) {
        throw LakehouseException.usage(key + ": '" + g.getKey() + "' is already a job or layer name; rename the group.");
      }
      if (g.getValue().isEmpty()) {
        throw LakehouseException.usage(key + " is empty; list the jobs or layers it runs.");
      }
    }
    this.groups = Map.copyOf(groups);
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
    JobRegistry registry = new JobRegistry(all, groups(settings.config()));
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

  /** The configured run groups, by name. */
  public Map<String, List<String>> groups() {
    return new java.util.TreeMap<>(groups);
  }

  /**
   * Resolves a {@code run} target: {@code all}, a layer, a run group, a job, or several of these separated by commas
   * (their union, in the order {@link #all()} runs them).
   *
   * @throws LakehouseException (usage) naming the valid targets when an item matches nothing
   */
  public List<LakehouseJob> resolve(String target) {
    List<String> items = java.util.Arrays.stream(target.split(",", -1)).map(String::strip).toList();
    if (items.size() == 1) {
      return resolveOne(items.get(0));
    }
    Set<String> wanted = new HashSet<>();
    for (String item : items) {
      if (item.isEmpty()) {
        throw LakehouseException.usage("Empty item in the run target '" + target + "': separate jobs, layers and groups with single commas.");
      }
      resolveOne(item).forEach(j -> wanted.add(j.name()));
    }
    return all().stream().filter(j -> wanted.contains(j.name())).toList();
  }

  private List<LakehouseJob> resolveOne(String target) {
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
    List<String> group = groups.get(target);
    if (group != null) {
      // Checked when used: a classpath with fewer layers (a module's tests, a partial deployment) may lack some members.
      for (String member : group) {
        if (!jobs.containsKey(member) && !LAYER_ORDER.contains(member)) {
          throw LakehouseException.usage(GROUPS_KEY + "." + target + " names '" + member
              + "', which is neither a job nor a layer; 'lakehouse jobs' lists them.");
        }
      }
      return resolve(String.join(",", group));
    }
    LakehouseJob job = jobs.get(target);
    if (job == null) {
      throw LakehouseException.usage("Unknown job, layer or group '" + target + "'. Run 'lakehouse jobs' to list them; layers: "
          + layers() + "; groups: " + new java.util.TreeSet<>(groups.keySet()) + "; or 'all'.");
    }
    return List.of(job);
  }

  private static Map<String, List<String>> groups(com.typesafe.config.Config config) {
    if (!config.hasPath(GROUPS_KEY)) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    com.typesafe.config.Config c = config.getConfig(GROUPS_KEY);
    for (String name : new java.util.TreeSet<>(c.root().keySet())) {
      try {
        out.put(name, c.getStringList(com.typesafe.config.ConfigUtil.joinPath(name)));
      } catch (com.typesafe.config.ConfigException e) {
        throw LakehouseException.usage(GROUPS_KEY + "." + name + " must be a list of job or layer names: " + e.getMessage());
      }
    }
    return out;
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
