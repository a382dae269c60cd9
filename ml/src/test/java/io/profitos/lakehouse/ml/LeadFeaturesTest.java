package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LeadFeaturesTest {
  private static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 20);
  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> leads() {
    return spark.sql("select lead_id, cast(created_at as timestamp) created_at, lead_source, industry,"
        + " cast(number_of_employees as int) number_of_employees, country, title, cast(web_visits as int) web_visits,"
        + " cast(email_engagements as int) email_engagements, trial_workspace_id, converted_opportunity_id, is_deleted from values"
        + " ('L1','2026-01-10 10:00:00','Web','Tech',200,'US','VP Finance',5,2,'w9','o1',false),"
        + " ('L2','2026-06-01 08:00:00','Content','Retail',20,'DE','Data Engineer',0,0,null,null,false),"
        + " ('L3','2026-11-10 08:00:00','Web','Tech',20,'DE','CFO',0,0,null,null,false),"
        + " ('L4','2026-02-01 08:00:00','Outbound',null,20,'FR',null,1,1,null,'o2',false),"
        + " ('L5','2026-10-01 08:00:00','Partner Referral','Tech',900,'US','Head of Data',9,4,null,'o3',false),"
        + " ('L6','2026-09-01 08:00:00','Web','Tech',20,'US','Founder',1,0,null,null,false),"
        + " ('L7','2026-03-01 08:00:00','Web','Tech',20,'US','CFO',1,0,null,null,true)"
        + " as t(lead_id, created_at, lead_source, industry, number_of_employees, country, title, web_visits, email_engagements,"
        + " trial_workspace_id, converted_opportunity_id, is_deleted)");
  }

  private Dataset<Row> opportunities() {
    return spark.sql("select opportunity_id, is_won, cast(close_date as date) close_date, false is_deleted from values"
        + " ('o1',true,'2026-02-15'), ('o2',true,'2026-08-01'), ('o3',true,'2026-10-20') as t(opportunity_id, is_won, close_date)");
  }

  private Dataset<Row> activity() {
    return spark.sql("select workspace_id, cast(activity_date as date) activity_date, cast(active_users as bigint) active_users,"
        + " cast(activity_events as bigint) activity_events from values ('w9','2026-01-09',3,30), ('w9','2026-01-10',2,10),"
        + " ('w9','2026-01-23',1,4), ('w9','2026-01-24',5,50) as t(workspace_id, activity_date, active_users, activity_events)");
  }

  private Map<String, Row> rows(Dataset<Row> activity) {
    return LeadFeatures.build(leads(), opportunities(), activity, RUN_DATE, new LeadFeatures.Settings(14, 120)).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getString(0), r -> r, (a, b) -> a, TreeMap::new));
  }

  private static Object get(Row r, String column) {
    return r.getAs(column);
  }

  @Test
  void leadsAreScoredAfterTheirEngagementWindowWithTheirTrialsEarlyActivityAndLabelledOnceKnown() {
    Map<String, Row> rows = rows(activity());
    // L3's window ends on 24 November, after the run date; L7 is deleted
    assertThat(rows.keySet()).containsExactly("L1", "L2", "L4", "L5", "L6");
    Row l1 = rows.get("L1");
    assertThat(get(l1, "score_date").toString()).isEqualTo("2026-01-24");
    // 10 and 23 January: 2 + 1 user-days, 10 + 4 events; 9 January is before the lead, 24 January its score date
    assertThat(get(l1, "trial_active_user_days")).isEqualTo(3.0);
    assertThat(get(l1, "trial_activity_events")).isEqualTo(14.0);
    assertThat(get(l1, "has_trial")).isEqualTo(true);
    assertThat(get(l1, "title_seniority")).isEqualTo("vp");
    assertThat(get(l1, "company_size")).isEqualTo(200);
    assertThat(get(l1, "won_in_horizon")).isEqualTo(true); // won on 15 February
    assertThat(get(rows.get("L2"), "won_in_horizon")).isEqualTo(false); // never converted; 120 days passed
    assertThat(get(rows.get("L2"), "has_trial")).isEqualTo(false);
    assertThat(get(rows.get("L2"), "trial_active_user_days")).isEqualTo(0.0);
    assertThat(get(rows.get("L4"), "won_in_horizon")).isEqualTo(false); // won on 1 August, 181 days after
    assertThat(get(rows.get("L5"), "won_in_horizon")).isEqualTo(true); // won within the window before it ended
    assertThat(get(rows.get("L6"), "won_in_horizon")).isNull(); // its 120 days end on 30 December
  }

  @Test
  void theTrialFeaturesEqualThoseComputedFromActivityCutAtTheScoreDate() {
    Row full = rows(activity()).get("L1");
    Row cut = rows(activity().where(col("activity_date").lt(lit(java.sql.Date.valueOf("2026-01-24"))))).get("L1");
    for (String f : new String[] {"trial_active_user_days", "trial_activity_events", "has_trial", "web_visits",
        "email_engagements", "title_seniority", "company_size", "lead_source"}) {
      assertThat(get(cut, f)).as(f).isEqualTo(get(full, f));
    }
  }

  @Test
  void titleSeniority() {
    Dataset<Row> titles = spark.sql("select * from values ('CFO'), ('Chief Revenue Officer'), ('Vice President Sales'),"
        + " ('VP Finance'), ('Head of Data'), ('Director of Operations'), ('RevOps Manager'), ('BI Lead'), ('Data Engineer'),"
        + " ('Founder'), ('  '), (null) as t(title)");
    assertThat(titles.select(LeadFeatures.seniority(col("title"))).collectAsList().stream()
        .map(r -> r.isNullAt(0) ? null : r.getString(0)).toList()).containsExactly("executive", "executive", "vp", "vp",
        "director", "director", "manager", "manager", "individual", "executive", null, null);
  }
}
