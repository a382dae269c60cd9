package io.profitos.lakehouse.gold;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
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
    List<LakehouseJob> jobs = new java.util.ArrayList<>(List.of(new GoldJobs.DimDate(), new GoldJobs.DimWorkspace(),
        new GoldJobs.FactMrrMonthly(), new GoldJobs.KpiSaasMonthly(), new GoldJobs.MrrReconciliation(),
        new GoldJobs.MetricContractsTable(), new GoldJobs.KpiExceptions()));
    jobs.addAll(GoldJobs.star());
    jobs.addAll(GoldJobs.growth());
    SuiteCatalog suites = SuiteCatalog.from(settings.config());
    for (LakehouseJob job : jobs) {
      GoldJob gold = (GoldJob) job;
      ExpectationSuite suite = suites.forTable(gold.table());
      if (suite != null) {
        gold.checkedAgainst(suite.referencedTables());
      }
    }
    return jobs;
  }
}
