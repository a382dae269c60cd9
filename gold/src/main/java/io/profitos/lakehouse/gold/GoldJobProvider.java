package io.profitos.lakehouse.gold;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.quality.ExpectationSuite;
import io.profitos.lakehouse.quality.SuiteCatalog;
import java.util.List;

/** The gold jobs: dimensions, facts, the SaaS and support KPIs, reconciliation, contracts and exceptions. */
public final class GoldJobProvider implements JobProvider {
  @Override
  public String layer() {
    return "gold";
  }

  @Override
  public List<LakehouseJob> jobs(LakehouseSettings settings) {
    MetricContracts.from(settings.config());
    Segments.from(settings.config());
    GoldJobs.KpiExceptions exceptions = new GoldJobs.KpiExceptions();
    List<GoldJob> jobs = new java.util.ArrayList<>(List.of(new GoldJobs.DimDate(), new GoldJobs.DimWorkspace(),
        new GoldJobs.FactMrrMonthly(), new GoldJobs.KpiSaasMonthly(), new GoldJobs.KpiSaasWeekly(), new GoldJobs.MrrReconciliation(),
        new GoldJobs.MetricContractsTable()));
    jobs.addAll(GoldJobs.star());
    jobs.addAll(GoldJobs.growth());
    SuiteCatalog suites = SuiteCatalog.from(settings.config());
    for (GoldJob gold : jobs) {
      ExpectationSuite suite = suites.forTable(gold.table());
      if (suite != null) {
        gold.checkedAgainst(suite.referencedTables());
      }
    }
    // The exceptions job reports on everything else: it waits for every other gold job and reads the gates' results.
    List<TableName> everything = new java.util.ArrayList<>(jobs.stream().map(GoldJob::table).toList());
    everything.add(GoldTables.CHECK_RESULTS);
    // The models' drift and realised performance: in a run of everything, the ml jobs writing them come first.
    everything.add(GoldTables.DRIFT_METRICS);
    everything.add(GoldTables.MODEL_PERFORMANCE);
    exceptions.waitsFor(everything);
    jobs.add(exceptions);
    List<LakehouseJob> all = new java.util.ArrayList<>(jobs);
    return all;
  }
}
