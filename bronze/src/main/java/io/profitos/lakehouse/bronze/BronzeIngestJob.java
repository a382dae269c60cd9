package io.profitos.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableName;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * landing {@code <source>/<stream>/extract_date=*}/* -> {@code bronze.<source>_<stream>}, one row
 * per source record, plus {@code bronze._quarantine} for what could not be read and
 * {@code ops.ingested_files} for every file. Grain: one landing record. Exactly once at file
 * level (see {@link IngestLedger}); schema drift is merged and reported in {@code ops.schema_changes}.
 */
public final class BronzeIngestJob implements LakehouseJob {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeIngestJob.class);
  public static final TableName QUARANTINE = TableName.of("bronze", "_quarantine");
  public static final TableName SCHEMA_CHANGES = TableName.of("ops", "schema_changes");
  static final StructType SCHEMA_CHANGES_SCHEMA = new StructType()
      .add("detected_at", "timestamp").add("source", "string").add("stream", "string").add("table", "string")
      .add("batch_id", "string").add("kind", "string").add("path", "string").add("table_type", "string")
      .add("batch_type", "string").add("rows_rescued", "long");
  private static final DateTimeFormatter BATCH_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);

  /** Points between the writes of a batch; tests stop a run at each to prove recovery. */
  public enum Step { PENDING_RECORDED, DATA_LANDED, QUARANTINE_LANDED, LEDGER_CLOSED }

  private final StreamSpec spec;
  private final Consumer<Step> afterStep;

  public BronzeIngestJob(StreamSpec spec) {
    this(spec, step -> { });
  }

  BronzeIngestJob(StreamSpec spec, Consumer<Step> afterStep) {
    this.spec = spec;
    this.afterStep = afterStep;
  }

  public StreamSpec spec() {
    return spec;
  }

  public TableName table() {
    return TableName.of("bronze", spec.bronzeTable());
  }

  @Override
  public String name() {
    return table().toString();
  }

  @Override
  public String layer() {
    return "bronze";
  }

  @Override
  public String description() {
    return "Land " + spec.format().key() + " " + spec.sync().key() + " extracts of " + spec.id() + " in " + table();
  }

  @Override
  public List<TableName> inputs() {
    return List.of();
  }

  @Override
  public List<TableName> outputs() {
    return List.of(table(), QUARANTINE, IngestLedger.TABLE, SCHEMA_CHANGES);
  }

  /** The landing files a run would land now: listed, minus those the ledger has closed. */
  @Override
  public io.profitos.lakehouse.core.job.Explanation explain(JobContext ctx) {
    IngestLedger.State state = new IngestLedger(ctx.spark(), ctx.catalog()).state(spec);
    List<LandingFile> listed = LandingScanner.list(ctx.spark().sparkContext().hadoopConfiguration(), ctx.settings().landing(), spec);
    long fresh = listed.stream().filter(f -> !state.isDone(f.path())).count();
    int unfinished = state.orphanBatches().size();
    return new io.profitos.lakehouse.core.job.Explanation(fresh > 0 || unfinished > 0,
        (fresh == 0 ? "no new landing files" : fresh + " new landing file(s)") + " (" + listed.size() + " listed under "
            + LandingScanner.streamRoot(ctx.settings().landing(), spec) + ")"
            + (unfinished == 0 ? "" : "; " + unfinished + " unfinished batch(es) to roll back and land again"));
  }

  @Override
  public JobResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    IngestLedger ledger = new IngestLedger(spark, ctx.catalog());
    String tablePath = ctx.catalog().location(table());
    String quarantinePath = ctx.catalog().location(QUARANTINE);

    StepLog known = ctx.step(name(), "ledger_state");
    ensureSharedTables(ctx);
    IngestLedger.State state = ledger.state(spec);
    known.done("landed_files", state.finalByPath().size(), "unfinished_batches", state.orphanBatches().size());
    if (!state.orphanBatches().isEmpty()) {
      rollBack(ctx, ledger, state, tablePath, quarantinePath);
      state = ledger.state(spec);
    }

    StepLog plan = ctx.step(name(), "plan");
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    List<LandingFile> listed = LandingScanner.list(hadoopConf, ctx.settings().landing(), spec);
    Instant now = ctx.clock().instant();
    String batchId = BATCH_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    List<LandingFile> fresh = new ArrayList<>();
    List<Row> refused = new ArrayList<>();
    for (LandingFile f : listed) {
      Row done = state.finalByPath().get(f.path());
      if (done == null) {
        String unexpected = unexpectedFileType(f.path());
        if (unexpected != null) {
          refused.add(IngestLedger.row(f, spec, null, 0L, 0L, batchId, IngestLedger.REJECTED, unexpected, now));
        } else if (f.extractDate() == null) {
          refused.add(IngestLedger.row(f, spec, null, 0L, 0L, batchId, IngestLedger.REJECTED,
              "not under an extract_date=YYYY-MM-DD folder: move it to " + LandingScanner.streamRoot(ctx.settings().landing(), spec)
                  + "/extract_date=<date>/", now));
        } else {
          fresh.add(f);
        }
      } else if (changed(done, f) && !IngestLedger.CHANGED.equals(done.getString(2))) {
        refused.add(IngestLedger.row(f, spec, null, 0L, 0L, batchId, IngestLedger.CHANGED,
            "file changed after it was landed (size " + done.getLong(3) + " -> " + f.size()
                + "); landing files are immutable: deliver changes as a new file", now));
      }
    }
    fresh.sort(Comparator.comparing(LandingFile::extractDate).thenComparing(LandingFile::path));
    int maxFiles = ctx.settings().config().getInt("lakehouse.bronze.max-files-per-run");
    int deferred = 0;
    if (maxFiles > 0 && fresh.size() > maxFiles) {
      deferred = fresh.size() - maxFiles;
      fresh = new ArrayList<>(fresh.subList(0, maxFiles));
    }
    plan.done("listed", listed.size(), "new", fresh.size(), "refused", refused.size(), "deferred", deferred, "batch", batchId);
    ledger.append(refused);
    for (Row r : refused) {
      LOG.warn("{}: {} {}", spec.id(), r.getString(0), r.getString(11));
    }
    String late = late(ctx, listed);
    if (fresh.isEmpty()) {
      if (late != null) {
        throw io.profitos.lakehouse.core.LakehouseException.qualityGate(late);
      }
      return JobResult.succeeded(0, 0, "no new files", Map.of("files", 0L, "refused_files", (long) refused.size()));
    }

    List<Row> pending = new ArrayList<>();
    for (LandingFile f : fresh) {
      pending.add(IngestLedger.row(f, spec, null, null, null, batchId, IngestLedger.PENDING, null, now));
    }
    StepLog announce = ctx.step(name(), "ledger");
    ledger.append(pending);
    announce.done("pending", pending.size());
    afterStep.accept(Step.PENDING_RECORDED);

    // The batch's lines are cached for the summaries, the schema and the write. They are unique JSON texts, which
    // columnar compression cannot shrink: its dictionary statistics hashed every line for nothing (bench bronze at
    // scale 1: 8% of the executors' time). This job's session only.
    spark.conf().set("spark.sql.inMemoryColumnarStorage.compressed", "false");
    Dataset<Row> read = readFiles(spark, fresh).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return land(ctx, ledger, fresh, read, batchId, now, tablePath, quarantinePath, refused.size(), deferred, late);
    } finally {
      read.unpersist();
    }
  }

  private JobResult land(JobContext ctx, IngestLedger ledger, List<LandingFile> fresh, Dataset<Row> read,
      String batchId, Instant now, String tablePath, String quarantinePath, int refused, int deferred, String late) {
    SparkSession spark = ctx.spark();
    Timestamp ingestedAt = Timestamp.from(now);

    StepLog readStep = ctx.step(name(), "read");
    Map<String, Row> summaries = new HashMap<>();
    for (Row r : read.where(col("kind").equalTo(LandingFileReader.FILE))
        .select("path", "sha256", "status", "records", "quarantined", "reason").collectAsList()) {
      summaries.put(r.getString(0), r);
    }
    long records = summaries.values().stream().mapToLong(r -> r.getLong(3)).sum();
    long quarantined = summaries.values().stream().mapToLong(r -> r.getLong(4)).sum();
    readStep.done("files", fresh.size(), "records", records, "quarantined", quarantined);

    Dataset<Row> recordRows = read.where(col("kind").equalTo(LandingFileReader.RECORD));
    long rescuedRows = 0;
    List<SchemaReconciler.Change> changes = List.of();
    if (records > 0) {
      StepLog schemaStep = ctx.step(name(), "schema");
      StructType inferred = spark.read().json(recordRows.select("text").as(Encoders.STRING())).schema();
      boolean exists = DeltaTable.isDeltaTable(spark, tablePath);
      StructType tableData = exists ? BronzeTransforms.dataSchema(spark.read().format("delta").load(tablePath).schema()) : null;
      SchemaReconciler.Result schema = SchemaReconciler.reconcile(tableData, inferred);
      changes = exists ? schema.changes() : List.of();
      schemaStep.done("columns", schema.parseSchema().size(), "added", schema.additions().size(), "conflicts", schema.conflicts().size());

      StepLog write = ctx.step(name(), "land");
      Dataset<Row> bronze = BronzeTransforms.toBronzeRows(recordRows, schema.parseSchema(), schema.conflicts(),
          spec.format(), batchId, ingestedAt);
      if (!exists) {
        DeltaTables.ensure(spark, tablePath, bronze.schema(),
            spec.sync() == StreamSpec.Sync.FULL_REFRESH ? List.of(BronzeTransforms.EXTRACT_DATE) : List.of(),
            tableProperties(ctx, spec.sync() == StreamSpec.Sync.FULL_REFRESH));
      }
      bronze.write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true").save(tablePath);
      if (!schema.conflicts().isEmpty()) {
        rescuedRows = bronze.where(col(BronzeTransforms.RESCUED_DATA).isNotNull()).count();
      }
      write.done("rows", records, "table", table());
      ctx.wrote(table());
    }
    afterStep.accept(Step.DATA_LANDED);

    if (quarantined > 0) {
      StepLog q = ctx.step(name(), "quarantine");
      Dataset<Row> rejected = BronzeTransforms.toQuarantineRows(
          read.where(col("kind").equalTo(LandingFileReader.QUARANTINE)), spec, batchId, ingestedAt);
      rejected.write().format("delta").mode(SaveMode.Append).save(quarantinePath);
      q.done("rows", quarantined, "table", QUARANTINE);
      ctx.wrote(QUARANTINE);
    }
    afterStep.accept(Step.QUARANTINE_LANDED);

    recordSchemaChanges(ctx, changes, batchId, rescuedRows, now);
    List<Row> closing = new ArrayList<>();
    Instant closedAt = ctx.clock().instant();
    long partial = 0;
    long unreadable = 0;
    long empty = 0;
    for (LandingFile f : fresh) {
      Row s = summaries.get(f.path());
      if (s == null) {
        throw new IllegalStateException("no read summary for " + f.path());
      }
      String status = s.getString(2);
      partial += LandingFileReader.PARTIAL.equals(status) ? 1 : 0;
      unreadable += LandingFileReader.UNREADABLE.equals(status) ? 1 : 0;
      empty += LandingFileReader.EMPTY.equals(status) ? 1 : 0;
      closing.add(IngestLedger.row(f, spec, s.getString(1), s.getLong(3), s.getLong(4), batchId, status, s.getString(5), closedAt));
    }
    StepLog close = ctx.step(name(), "ledger");
    ledger.append(closing);
    close.done("closed", closing.size());
    ctx.lineage().landed(fresh.stream().map(LandingFile::path).toList());
    afterStep.accept(Step.LEDGER_CLOSED);

    Map<String, Long> details = new LinkedHashMap<>();
    details.put("files", (long) fresh.size());
    details.put("records", records);
    details.put("quarantined", quarantined);
    details.put("empty_files", empty);
    details.put("partial_files", partial);
    details.put("unreadable_files", unreadable);
    details.put("refused_files", (long) refused);
    details.put("deferred_files", (long) deferred);
    details.put("schema_changes", (long) changes.size());
    details.put("rescued_rows", rescuedRows);
    if (late != null) {
      // What landed were late files of old dates: the stream itself has still stopped.
      throw io.profitos.lakehouse.core.LakehouseException.qualityGate(late);
    }
    double limit = ctx.settings().config().getDouble("lakehouse.bronze.quarantine-rate-limit");
    double rate = records + quarantined == 0 ? 0.0 : (double) quarantined / (records + quarantined);
    if (rate > limit) {
      String msg = String.format(Locale.ROOT,
          "%s: %.1f%% of the records read were quarantined (%d of %d), above the limit of %.1f%% "
              + "(lakehouse.bronze.quarantine-rate-limit); the good records landed. Inspect bronze._quarantine "
              + "where _batch_id = '%s', fix the extracts and deliver them as new files.",
          spec.id(), rate * 100, quarantined, records + quarantined, limit * 100, batchId);
      return JobResult.rejected(records + quarantined, records, msg, details);
    }
    return JobResult.succeeded(records + quarantined, records,
        records + " rows landed from " + fresh.size() + " files, " + quarantined + " quarantined", details);
  }

  /**
   * Why the stream counts as stopped, or null: it has delivered before (files under its folder)
   * but its newest extract is older than its max-age at the run date. A stream that never
   * delivered is not late (the tables that need it are skipped).
   */
  String late(JobContext ctx, List<LandingFile> listed) {
    java.time.LocalDate newest = listed.stream().map(LandingFile::extractDate).filter(java.util.Objects::nonNull)
        .map(java.time.LocalDate::parse).max(Comparator.naturalOrder()).orElse(null);
    if (newest == null) {
      return null;
    }
    java.time.Instant deadline = newest.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).plus(spec.maxAge());
    java.time.Instant runEnd = ctx.runDate().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    if (!runEnd.isAfter(deadline)) {
      return null;
    }
    return String.format(Locale.ROOT, "%s has stopped delivering: its newest extract is of %s, %d days before the run date %s "
            + "(limit %s: lakehouse.sources.%s.streams.%s.max-age, default lakehouse.bronze.max-delivery-age). The tables built "
            + "from it still hold the last delivery. Check the connector's sync, or raise max-age for a stream that delivers less often.",
        spec.id(), newest, java.time.temporal.ChronoUnit.DAYS.between(newest, ctx.runDate()), ctx.runDate(), describe(spec.maxAge()),
        spec.source(), spec.stream());
  }

  private static String describe(java.time.Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + " days" : d.toHours() + " hours";
  }

  /** The reader over the new files, spread so every task gets a similar number of bytes. */
  private Dataset<Row> readFiles(SparkSession spark, List<LandingFile> files) {
    Map<String, String> conf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().iterator().forEachRemaining(e -> conf.put(e.getKey(), e.getValue()));
    LandingFileReader reader = new LandingFileReader(spec.format(), spec.primaryKey(), conf);
    int slices = Math.max(1, Math.min(files.size(), spark.sparkContext().defaultParallelism() * 2));
    List<LandingFile> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(LandingFile::size).reversed());
    List<List<LandingFile>> buckets = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      buckets.add(new ArrayList<>());
    }
    for (int i = 0; i < bySize.size(); i++) {
      int round = i / slices;
      int slot = i % slices;
      buckets.get(round % 2 == 0 ? slot : slices - 1 - slot).add(bySize.get(i));
    }
    List<LandingFile> ordered = new ArrayList<>();
    buckets.forEach(ordered::addAll);
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(ordered, slices)
        .flatMap(reader::read);
    return spark.createDataFrame(rows, LandingFileReader.SCHEMA);
  }

  /** Delta properties of bronze tables from configuration. */
  private static Map<String, String> tableProperties(JobContext ctx, boolean partitionedByExtractDate) {
    Map<String, String> out = new LinkedHashMap<>();
    var props = ctx.settings().config().getObject("lakehouse.bronze.table-properties");
    for (var e : props.entrySet()) {
      String value = String.valueOf(e.getValue().unwrapped());
      if (partitionedByExtractDate && e.getKey().equals("delta.dataSkippingStatsColumns")) {
        // Delta keeps no statistics on partition columns: partition pruning already covers them.
        value = String.join(",", java.util.Arrays.stream(value.split(",")).map(String::trim)
            .filter(c -> !c.equals(BronzeTransforms.EXTRACT_DATE)).toList());
      }
      out.put(e.getKey(), value);
    }
    return out;
  }

  /** The tables every bronze job appends to, created once before streams land concurrently. */
  private static void ensureSharedTables(JobContext ctx) {
    DeltaTables.ensure(ctx.spark(), ctx.catalog().location(QUARANTINE), BronzeTransforms.QUARANTINE_SCHEMA,
        List.of("source", "stream"), Map.of("delta.dataSkippingStatsColumns", "_batch_id,_extract_date,_ingested_at"));
    DeltaTables.ensure(ctx.spark(), ctx.catalog().location(IngestLedger.TABLE), IngestLedger.SCHEMA, List.of(), Map.of());
    DeltaTables.ensure(ctx.spark(), ctx.catalog().location(SCHEMA_CHANGES), SCHEMA_CHANGES_SCHEMA, List.of(), Map.of());
  }

  private void rollBack(JobContext ctx, IngestLedger ledger, IngestLedger.State state, String tablePath, String quarantinePath) {
    SparkSession spark = ctx.spark();
    for (Map.Entry<String, List<String>> orphan : state.orphanBatches().entrySet()) {
      StepLog step = ctx.step(name(), "recover");
      String batch = orphan.getKey();
      if (DeltaTable.isDeltaTable(spark, tablePath)) {
        DeltaTable.forPath(spark, tablePath).delete(col(BronzeTransforms.BATCH_ID).equalTo(batch));
      }
      if (DeltaTable.isDeltaTable(spark, quarantinePath)) {
        DeltaTable.forPath(spark, quarantinePath).delete(col(BronzeTransforms.BATCH_ID).equalTo(batch)
            .and(col("source").equalTo(spec.source())).and(col("stream").equalTo(spec.stream())));
      }
      Instant now = ctx.clock().instant();
      List<Row> rows = new ArrayList<>();
      for (String path : orphan.getValue()) {
        rows.add(IngestLedger.row(new LandingFile(path, 0, 0, null), spec, null, 0L, 0L, batch,
            IngestLedger.ROLLED_BACK, "batch did not finish; its rows were removed and the file is landed again", now));
      }
      ledger.append(rows);
      LOG.warn("{}: batch {} did not finish; rolled back {} files and landing them again", spec.id(), batch, rows.size());
      step.done("batch", batch, "files", rows.size());
    }
  }

  private void recordSchemaChanges(JobContext ctx, List<SchemaReconciler.Change> changes, String batchId, long rescuedRows, Instant now) {
    if (changes.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (SchemaReconciler.Change c : changes) {
      boolean conflict = c.kind().equals(SchemaReconciler.Change.TYPE_CONFLICT);
      LOG.warn("{}: schema change in {}: {} {} ({} -> {}){}", spec.id(), table(), c.kind(), c.path(), c.tableType(),
          c.batchType(), conflict ? "; values that do not fit are kept as raw text in _rescued_data" : "");
      rows.add(org.apache.spark.sql.RowFactory.create(Timestamp.from(now), spec.source(), spec.stream(), table().toString(),
          batchId, c.kind(), c.path(), c.tableType(), c.batchType(), conflict ? rescuedRows : null));
    }
    ctx.spark().createDataFrame(rows, SCHEMA_CHANGES_SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append)
        .save(ctx.catalog().location(SCHEMA_CHANGES));
  }

  /** Null if the file's name fits the stream's format, else why it is refused. */
  String unexpectedFileType(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    String base = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    List<String> accepted = spec.format().isJson() ? List.of(".jsonl", ".json", ".ndjson") : List.of(".csv");
    if (accepted.stream().anyMatch(base::endsWith)) {
      return null;
    }
    return "unexpected file type for this " + spec.format().key() + " stream (expected " + String.join(", ", accepted)
        + ", optionally .gz): deliver it in the stream's format or change the stream's format in configuration";
  }

  private static boolean changed(Row done, LandingFile f) {
    return done.getLong(3) != f.size();
  }
}
