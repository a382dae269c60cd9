package io.profitos.lakehouse.app;

/** Help texts of the CLI. */
final class Help {
  private Help() {}

  private static final String COMMON = """
        --env NAME          configuration environment: conf/env/NAME.conf (default: local, or $LAKEHOUSE_ENV)
        --conf-dir DIR      configuration folder (default: ./conf, or $LAKEHOUSE_CONF_DIR, or the conf/ inside the jar)
        --conf KEY=VALUE    override any configuration key; repeatable (e.g. --conf lakehouse.warehouse=s3a://bucket/wh)
        --help              this help
      """;

  static final String EXIT_CODES = """
      Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 data-quality gate failed,
                  4 input rejected (e.g. a stream's quarantine rate above its limit; good rows still landed),
                  5 the warehouse is busy (another run holds its lease; nothing ran), or this run lost its lease
                    while paused and another took it over (nothing committed after that).
      """;

  static final String MAIN = """
      lakehouse: Profit OS Lakehouse, raw SaaS extracts to governed revenue KPIs on Spark and Delta Lake.

      Usage: lakehouse <command> [options]

      Commands:
        jobs                 list every job with a one-line description
        run <target>         run a job, a layer, a run group or all (several separated by commas), in dependency order;
                             --from D1 --to D2 backfills a range of dates, --dry-run shows what would run and why
        status               last run of each layer, freshness per source, failed gates, open exceptions, the lease
        lineage <table|metric>  the table's versions, the jobs and input versions that made them, back to landing files
        config show          the resolved configuration, secrets masked
        maintain             delete rows past their retention, compact small files, vacuum: every table
        privacy forget       delete a person's (--email) or a workspace's (--workspace) rows in every layer, then vacuum
        ml train             train a model from its configuration, evaluate it, register it (champion or challenger)
        ml list              the registered model versions, their status and held-out figures
        ml promote|rollback  make a registered version the champion
        ml score             score a run date's rows with a model's champion into its scored fact
        ml report            a model's champion: held-out figures against the baseline, drift; as JSON and CSV too
        decisions add|close|list|history   the decision log and action tracker (ops.decision_log): an action
                             closes only when its criterion, a contract metric evaluated on gold, is met
        alerts send|list     queue the exceptions at or above a severity as alerts (ops.alert_outbox, a JSON file each) and
                             post them to the webhook in $LAKEHOUSE_ALERT_WEBHOOK_URL, at least once; list shows the outbox
        demo-data            write a realistic demo landing zone (deterministic for a seed)
        demo                 generate the demo landing zone if absent, run every layer, print the headline KPIs
        bench bronze         measure the bronze ingest against a bare Spark read and Delta write
        bench silver         measure the daily incremental silver and gold runs against full rebuilds
        bench gold           time a full gold build at one or more scales, with peak driver heap
        bench overhead       every job alone against the bare Spark work on its data: the fixed cost per job, by step
        bench ml             train and score the shipped models; held-out figures against the baseline and the oracle
        bench sql            the dashboards and templates of conf/sql through the SQL server, N concurrent clients: p50, p95
        bench faults         random SIGKILL trials per layer: the next run finishes, no difference, no orphaned file
        quality validate     validate any table or file with any expectation suite (GE validation-result JSON)
        quality suggest      draft an expectation suite for a table from Deequ's constraint suggestions
        quality report       the weekly data-quality report: freshness, days with data, rows, failures, null rates
        airflow export       the Airflow schedules resolved against the jobs, as the JSON airflow-dags/ reads
        catalog docs         the data dictionary: every table's grain and columns, types, contracts, classifications
        sql-server           a Thrift (HiveServer2) SQL server over the warehouse, with logins, roles and an audit log
        sql-server hash-password   a salted hash of a password (read from standard input) for lakehouse.sql-server.users
        storage init|check   object storage (s3a, MinIO or S3): create the buckets and prove access; report what is there
        storage upload-landing DIR   push a local landing zone to the s3a landing location

      Run 'lakehouse <command> --help' for its options.
      """ + EXIT_CODES;

  static final String AIRFLOW = """
      Usage: lakehouse airflow export [--out FILE] [options]

      Resolves the Airflow schedules (lakehouse.schedules: cron, business date rule, tasks) against the job
      registry and the run groups, and prints the JSON that airflow-dags/saas_metrics.py builds its DAGs from
      (or writes it to FILE). A task whose target is not a job, layer or group, a model without its file, or a
      cycle in the task graph fails with the key to fix. Commit the result as airflow-dags/lakehouse_dags.json:
      the tests fail when it differs from a fresh export.

      Options:
        --out FILE          write the JSON to FILE instead of printing it
      """ + COMMON;

  static final String STORAGE = """
      Usage: lakehouse storage init [options]
             lakehouse storage upload-landing DIR [options]
             lakehouse storage check [options]

      Housekeeping of the object store behind s3a:// landing and warehouse locations (--env minio or --env s3),
      through the MinIO client; no Spark needed.

      init            creates the landing and warehouse buckets that are missing, then writes, reads and
                      deletes a probe object under each location
      upload-landing  uploads every file under DIR to the landing location, keeping its path; files already
                      there with the same size are skipped, so repeating it copies nothing
      check           objects and bytes per landing source and per warehouse layer

      The endpoint is lakehouse.storage.endpoint (LAKEHOUSE_S3_ENDPOINT in conf/env/minio.conf); credentials come
      only from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. A wrong endpoint, refused credentials or a missing
      bucket give one line naming the setting to fix.

      Options:
      """ + COMMON;

  static final String CATALOG = """
      Usage: lakehouse catalog docs [--out DIR] [options]

      Writes the data dictionary of the served databases (lakehouse.sql-server.databases) to DIR (default
      catalog-docs/) as data-dictionary.md and data-dictionary.html: every table with its grain (from its expectation
      suite), the job that writes it, and every column with its type, nullability, classification
      (lakehouse.sql-server.classifications) and metric contract (conf/metrics.conf).

      Options:
        --out DIR            where to write (created if missing)
      """ + COMMON;

  static final String SQL_SERVER = """
      Usage: lakehouse sql-server [--port N] [--host H] [options]
             lakehouse sql-server hash-password

      Serves the warehouse over the HiveServer2 protocol (a Spark Thrift server in this process): any HiveServer2
      client (beeline, DBeaver, Superset, Tableau, hive-jdbc, Python clients) connects to jdbc:hive2://H:N/<database>.
      Every table of the served databases (lakehouse.sql-server.databases) is a table of the same name; tables that
      jobs publish while it runs appear within lakehouse.sql-server.refresh-interval. Logins are checked against
      lakehouse.sql-server.users (salted hashes), each statement against the user's role, and every statement is
      appended to ops.query_audit_log. It listens on 127.0.0.1:10000 unless configured otherwise, binary transport
      (transport = http for HTTP), TLS when tls.keystore is set. SIGTERM or Ctrl-C stops it cleanly.

      hash-password reads one password from standard input (no echo on a terminal) and prints its salted hash for
      password-hash; the clear password never goes in a file.

      Options:
        --port N             the port (lakehouse.sql-server.port)
        --host H             the bind address (lakehouse.sql-server.host); anything but loopback needs authentication
      """ + COMMON;

  static final String JOBS = """
      Usage: lakehouse jobs [options]

      Lists every job (name = its main output table) with a one-line description, layer by layer.

      Options:
      """ + COMMON;

  static final String RUN = """
      Usage: lakehouse run <target> [--run-date YYYY-MM-DD | --from D1 --to D2] [--full-refresh] [--dry-run] [options]

      Runs one job (e.g. bronze.stripe_subscriptions), every job of a layer (bronze), a run group of
      lakehouse.run-groups (e.g. billing-silver), all layers (all), or several of these separated by commas
      (e.g. gold,ml), in dependency order. Each job run is recorded in ops.job_runs, each table version it
      commits in ops.lineage. The run holds the warehouse's lease (lakehouse.lease) from start to end.

      Options:
        --run-date DATE     business date being processed, UTC (default: today)
        --from D1 --to D2   backfill: run the target for every date from D1 to D2, oldest first, in one session;
                            stops at the first date that does not succeed and says how to resume
        --full-refresh      rebuild outputs from scratch instead of incrementally (the first date of a backfill)
        --dry-run           run nothing, take no lease: print each job in order with what it would do and why
                            (new landing files, new batches, changed or unchanged inputs, a missing input)
      """ + COMMON + "\n" + EXIT_CODES;

  static final String STATUS = """
      Usage: lakehouse status [--run-date YYYY-MM-DD] [options]

      What the person on call looks at first, read from the warehouse's ops and quality tables: the lease
      (free, or who holds it since when), the last run of each layer and its job statuses, freshness per
      source stream (newest extract landed and its age at the run date, stale past its max-delivery-age),
      the failed or warned expectations of each table's newest check, and the open KPI exceptions.

      Options:
        --run-date DATE     the date freshness is measured at (default: today, UTC)
      """ + COMMON;

  static final String LINEAGE = """
      Usage: lakehouse lineage <layer.table | metric> [--version N] [--all] [options]

      Walks ops.lineage back from a table version (default: its newest recorded one) or from the table a
      metric of lakehouse.gold.metrics is published in: the job and run that committed it, the Delta version
      of each input it worked from, recursively, down to the bronze tables and the landing files they landed.

      Options:
        --version N         start from this version of the table (the newest recorded one at or below it)
        --all               list every landing file (default: the first 10 per bronze table)
      """ + COMMON;

  static final String CONFIG = """
      Usage: lakehouse config show [options]

      Prints the resolved configuration (reference.conf, conf/application.conf, the environment's file,
      environment variables and --conf, merged) as HOCON. Values of secret keys (keys, passwords, tokens,
      the PII hash key) are masked; the names of the environment variables that hold secrets are shown.

      Options:
      """ + COMMON;

  static final String PRIVACY = """
      Usage: lakehouse privacy forget --email ADDRESS [--dry-run] [options]
             lakehouse privacy forget --workspace WORKSPACE_ID [--dry-run] [options]

      Deletes one subject's rows in every layer (bronze with its quarantine, silver, gold, ml, quality, ops and
      the staging of blocked outputs), then rewrites and vacuums the tables it touched with no retention, so no
      data file holds them any more and no earlier version of those tables can be read.
      A person is found by the address in the clear (bronze) and by its keyed hash (silver); a workspace by its
      id. The keys their rows carry (lakehouse.privacy.subjects.<subject>.keys: users, leads, customers, ...)
      are followed through lakehouse.privacy.keys to every row that holds one; raw quarantined lines go when
      their text holds the value or one of those keys. The address or id is never printed or logged.
      Aggregates (kpi_*) hold no identifier: the next silver and gold runs recompute them without the rows.

      Options:
        --email ADDRESS         the person's email address (compared trimmed, case-insensitively)
        --workspace ID          the workspace id (exact)
        --dry-run               count what would be deleted, delete nothing
      """ + COMMON;

  static final String MAINTAIN = """
      Usage: lakehouse maintain [options]

      Table maintenance of every Delta table under the warehouse (every layer with its quarantine, ops, the
      quality results and the staging of blocked outputs): rows older than their table's retention
      (lakehouse.privacy.retention) are deleted, a table with more than
      lakehouse.maintenance.compact-above-files data files is compacted, then files that no version inside
      lakehouse.maintenance.retention needs are deleted. Time travel to any version inside the retention
      keeps working.

      Options:
      """ + COMMON;

  static final String ML = """
      Usage: lakehouse ml train (<model> | --model-conf FILE) [options]
             lakehouse ml list [<model>] [options]
             lakehouse ml promote <model> <version> [options]
             lakehouse ml rollback <model> <version> [options]
             lakehouse ml score <model> [--run-date YYYY-MM-DD] [options]
             lakehouse ml report <model> [--out DIR] [options]

      train     trains the model defined by conf/models/<model>.conf (or any model file: a table, a SQL query, or
                your own delta, parquet or csv file; keys and defaults under lakehouse.ml.model-defaults), compares
                its algorithms by cross-validation, calibrates it and evaluates it on held-out rows against a
                baseline (and the champion, on the same rows). It is saved as the next version under
                <warehouse>/ml/models/<model>/ and registered in ml.model_registry: champion if it beats the baseline
                and the champion by the model's promotion-margin, else challenger, with the reason.
      list      every registered version, newest first.
      promote   makes a version the champion by hand; the champion it replaces is archived.
      rollback  the same, to return to an earlier version.
      score     builds the model's feature table for the run date, then scores that day's rows with the champion
                into its fact (churn: gold.fact_churn_score_daily; lead_score: gold.fact_lead_score_daily) and
                writes each feature's drift (PSI) to ml.drift_metrics. The same as 'lakehouse run' of those two jobs.
      report    the champion's held-out figures against the baseline (and the latest day's drift), printed and
                written as <model>-v<N>-report.json and .csv under --out.

      Options:
        --model-conf FILE   the model's configuration file
        --run-date DATE     the day to score (default: today, UTC)
        --out DIR           where 'report' writes its files (default: work-local/reports)
      """ + COMMON + "\n" + EXIT_CODES;

  static final String DECISIONS = """
      Usage: lakehouse decisions add --forum F --owner O --exception E --action A --impact I --assignee P --due DATE
                                     --analysis URL --metric M [--segment S] --period P --operator OP --value V
                                     [--date DATE] [options]
             lakehouse decisions close <id> [--note TEXT] [options]
             lakehouse decisions list [--status open|overdue|closed|all] [--as-of DATE] [options]
             lakehouse decisions history <id> [options]

      The decision log and action tracker, ops.decision_log. Every change is a new row version of the decision;
      nothing is overwritten. add and close take the warehouse lease, as every writing command does (exit 5 while a
      run holds it).

      add      records a decision of a forum about an exception, as action A-<n> (open): the owner of the decision,
               the triggering exception, the action (investigate, mitigate, reallocate or escalate), the impact
               expected, the assignee, the due date, a link to the supporting analysis, and its closeout criterion:
               a metric of conf/metrics.conf, the segment (leave it out for a table without one), the period
               (2026-12, 2026-W49 or 2026-Q4, by the metric's table), an operator (< <= > >= =) and a value. The
               metric's table must exist, and the segment must be one of its segments.
      close    evaluates the criterion on the metric's gold table at its current version. Met: a new revision, closed,
               with the value and the table version. Not met, or no value yet for the period: nothing is written, exit
               1, and the message gives the current value.
      list     the current version of each action: open (overdue ones included; the default), overdue (open past
               its due date on --as-of, default today UTC), closed, or all.
      history  every version of one action, oldest first.

      Options:
        --date DATE         the day of the decision (default: today, UTC)
        --note TEXT         why it is closed, recorded with the closing
      """ + COMMON + "\n" + EXIT_CODES;

  static final String ALERTS = """
      Usage: lakehouse alerts send [options]
             lakehouse alerts list [options]

      send   queues each exception of gold.kpi_exceptions at or above lakehouse.alerts.min-severity that has no alert
             yet for its metric, period and segment, or escalates one (a higher severity): its message from its
             threshold's template (lakehouse.alerts.templates), a JSON file in lakehouse.alerts.outbox-dir, a row of
             ops.alert_outbox. Then, when the environment variable named by lakehouse.alerts.webhook.url-env
             (LAKEHOUSE_ALERT_WEBHOOK_URL) holds a URL, posts every pending alert to it, retrying with a doubling wait
             (lakehouse.alerts.webhook.attempts, .backoff). Each post carries the alert's stable key (metric, period,
             segment, threshold) in its body and an Idempotency-Key header: an alert is sent at least once, and a
             receiver drops a duplicate by its key. Exit 1 when an alert stays pending (the next send retries it).
      list   every alert of the outbox, newest first: status (pending, delivered), severity, attempts, message.

      Options:
      """ + COMMON + "\n" + EXIT_CODES;

  static final String QUALITY = """
      Usage: lakehouse quality validate --suite FILE (--table LAYER.TABLE | --path PATH [--format delta|parquet|csv|json])
                                        [--run-date YYYY-MM-DD] [--out FILE] [options]
             lakehouse quality suggest LAYER.TABLE [--out FILE] [options]
             lakehouse quality report [--days 7] [--run-date YYYY-MM-DD] [options]

      validate  Runs a Great Expectations suite (JSON: expectation_suite_name/expectations[] of expectation_type,
                kwargs, meta; the GE 1.x name/type spelling too) on a table of the warehouse or on any file, with
                Deequ, and prints GE's validation-result JSON. Exit 0 when no critical expectation failed, 3 when one
                did. Nothing is published or recorded (anomaly expectations read the table's metrics history only).
      suggest   Profiles a table with Deequ and prints a draft suite (every suggestion as the GE expectation that
                means the same, severity warning) to review and save as conf/quality/LAYER.TABLE.json.
      report    Per landing stream over the last --days days to the run date: last sync, minutes since, days with
                data, average daily rows, failed runs, average null rate. Printed, and written as CSV under
                <warehouse>/quality/reports/.

      Options:
        --suite FILE        the suite to run
        --table T           a warehouse table, e.g. gold.kpi_saas_monthly
        --path PATH         a file or folder instead; --format says how to read it (default: delta)
        --run-date DATE     the date freshness is measured at and ${run_date}/${previous_month} resolve to (default: today)
        --out FILE          also write the JSON (validate, suggest) to this file
        --days N            report window in days (default: 7)
      """ + COMMON + "\n" + EXIT_CODES;

  static final String DEMO_DATA = """
      Usage: lakehouse demo-data [--scale S] [--seed N] [--out DIR] [--as-of DATE] [--from DATE] [--through DATE]

      Writes a landing zone as ../shared/LANDING.md describes for a fictional B2B SaaS company, with every
      defect of the contract planted at known rates and a _manifest.json of counts and true month-end MRR.
      Scale 1 is about 4,200 paying workspaces and $1.7M MRR; 0.01 generates in seconds.

      Options:
        --scale S           company size (default: lakehouse.demo.scale)
        --seed N            random seed (default: lakehouse.demo.seed)
        --out DIR           output folder (default: lakehouse.landing)
        --as-of DATE        last day of the 24-month history (default: lakehouse.demo.as-of)
        --from/--through D  write only the extracts dated in this window (the business is the same)
      """ + COMMON;

  static final String DEMO = """
      Usage: lakehouse demo [--scale S] [--seed N] [--run-date DATE] [options]

      The embedded demo: generates the demo landing zone under lakehouse.landing if it has none, runs every
      layer that exists for the landing zone's as-of date (the first time, it trains the shipped models of
      conf/models before their scored facts run), and prints every job, then the headline KPIs of the newest
      complete month, the exceptions raised, the quality gates of the run, and where the tables are. Run it
      again on any day: nothing changes.

      Options:
        --scale S, --seed N  demo data size and seed, used only when generating
        --run-date DATE      business date (default: the landing zone's as-of date)
      """ + COMMON + "\n" + EXIT_CODES;

  static final String BENCH = """
      Usage: lakehouse bench bronze|silver|gold|overhead|ml|sql|faults [--scale S] [--seed N] [--repeat R] [--clients N]
             [--trials N] [--run TARGETS] [--layers L,...] [--work DIR] [options]

      bronze: generates a demo landing zone of scale S (default 1) once, then in one run lands it R times
        (default 2) with our bronze ingest and with a bare spark.read...write.format("delta") of the same
        files, each into a fresh warehouse, alternating, and prints rows/s of both and their ratio (best of R).
      silver: generates scale S up to the day before the demo as-of date, lands it and builds silver and
        gold (untimed), then lands the as-of date's extracts and times the daily incremental silver and
        gold runs against full rebuilds (--full-refresh), and prints each and their ratios (targets:
        silver <= 0.15, gold <= 0.30).
      gold: for each scale of --scale (a list, for example 1,10) builds bronze and silver once (untimed,
        kept under --work), then times a full gold build and prints input rows, rows/s, rows written,
        peak driver heap, and how the time grows from the first scale to the last.
      overhead: generates scale S once, then runs every job alone, in order, into a fresh warehouse; after each,
        times the bare Spark read of its Delta inputs and Delta write of its own tables' rows, and prints per job
        its seconds, the bare seconds, their ratio, the fixed cost (the difference), its Delta commits and its
        seconds by kind of step (read/compute, write, gate, run record, job with no step, runner); then the median fixed cost
        against its target (at most 1 s); then runs every job again with nothing new and prints that run's time
        against the first (target <= 0.15) and the most commits a job made (target: 1, its run record).
      ml: generates scale S once and builds bronze, silver, gold and the feature tables (untimed, kept under
        --work), then trains churn and lead_score from conf/models (timed), scores the as-of date with each
        (rows/s), and prints each model's held-out AUC-ROC and Brier score beside its baseline's and the
        generator's oracle (its own probabilities, _truth/ in the landing zone) on the same rows, with the
        quality bar: AUC at least baseline + 0.5 x (oracle - baseline), Brier below the baseline's, and the
        lead model's AUC at least 0.75.
      faults: random kill trials. Generates scale S once (default 0.01), runs 'lakehouse run TARGETS' (--run, default all)
        once, one job at a time, as the reference, then for each layer (--layers, default every layer the run has a job in,
        and "ops", the run's own bookkeeping after its last job) N times (--trials, default 20): the same run into an
        empty warehouse killed with SIGKILL at a random instant inside that layer's jobs (drawn with --seed), the next run
        (it must start, wait out the dead run's lease and succeed), 'lakehouse maintain' with a retention of 0; each trial
        compares every bronze, silver, gold and ml table with the reference cell by cell and counts the files under every
        table its current version does not reference. Prints a line per trial and a table per layer; exits 1 if any trial
        found a difference, a failed run or an orphaned file. Every run is a process of its own.
      sql: builds every layer at scale S once (untimed, kept under --work, models trained), starts the SQL server in
        this process on a free loopback port, and has N clients (--clients, default 8) each load every dashboard of
        conf/sql (its queries one after the other, as its role) and run every template with values from its samples,
        R rounds (--repeat, default 3) after two untimed warm-up rounds: first "cold" (each statement made unique, so
        the result cache cannot answer), then "served" (as sent); prints p50 and p95 per query, per dashboard and per
        template, both ways, against the targets (p95 at most 1 s per dashboard query, 3 s per dashboard, 5 s per
        template).

      Options:
        --scale S           landing-zone size (default 1; faults: 0.01)
        --seed N            the generator's seed (faults: also the draw of the kill instants)
        --trials N          faults: kills per layer (default 20)
        --run TARGETS       faults: what each run runs, as 'lakehouse run' takes it (default all)
        --layers L,...      faults: the layers to kill runs in (default every layer the run has a job in, and ops)
        --repeat R          bronze: measurements of each side (default 2); sql: timed rounds per client (default 3)
        --clients N         sql: concurrent JDBC clients (default 8)
        --work DIR          working folder (default: next to the warehouse, 'bench')
      """ + COMMON;
}
