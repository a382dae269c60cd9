package io.profitos.lakehouse.demo;

import java.util.List;

/**
 * The product experiments the simulated company runs on its new workspaces: which signups each enrols, its variants
 * (assigned uniformly), and what a non-control variant does to a workspace's health. The enrolment windows sit so that
 * days 61-90 after every assignment fall inside the default 60 days of events before as-of.
 */
final class DemoExperiments {
  private DemoExperiments() {}

  /** One experiment: workspaces created in [as-of - fromDays, as-of - toDays) are assigned to one of its variants. */
  record Experiment(String id, int fromDaysBeforeAsOf, int toDaysBeforeAsOf, List<String> variants, double treatmentHealthBoost) {}

  static final String CONTROL = "control";

  static final List<Experiment> ALL = List.of(
      // A real effect: the checklist makes workspaces healthier.
      new Experiment("onboarding_checklist", 118, 92, List.of(CONTROL, "treatment"), 0.12),
      // No effect in any arm: the interval should hold 0.
      new Experiment("pricing_page_v2", 110, 95, List.of(CONTROL, "annual_first", "monthly_first"), 0));

  /** Share of assignments later deleted in the product database (internal test workspaces removed from the analysis). */
  static final double DELETED = 0.01;
  /** Share of assignments whose variant the product wrote in title case (silver lower-cases it). */
  static final double TITLE_CASE = 0.02;
}
