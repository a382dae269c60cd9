package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static io.profitos.lakehouse.gold.Fixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** {@code gold.fact_user_event_daily} on hand-built events; every expected row is worked out in the comments. */
class UserEventDailyTest {
  private static final String EVENTS = "event_date date, occurred_at timestamp, user_id string, workspace_id string, event string, "
      + "is_deleted boolean";

  private static Object[] ev(String at, String user, String ws, String event, boolean deleted) {
    return new Object[] {d(at.substring(0, 10)), ts(at), user, ws, event, deleted};
  }

  @Test
  void oneRowPerDayUserWorkspaceAndEventWithTheFirstTimeAndTheCount() {
    Dataset<Row> events = rows(EVENTS,
        // u1 on 1 March: Report Created three times (first 08:00; the deleted one at 07:00 does not count), Export once.
        ev("2026-03-01T09:30:00Z", "u1", "w1", "Report Created", false),
        ev("2026-03-01T08:00:00Z", "u1", "w1", "Report Created", false),
        ev("2026-03-01T07:00:00Z", "u1", "w1", "Report Created", true),
        ev("2026-03-01T23:59:00Z", "u1", "w1", "Report Created", false),
        ev("2026-03-01T10:00:00Z", "u1", "w1", "Export Completed", false),
        // u1 again on 2 March: a day of its own.
        ev("2026-03-02T00:01:00Z", "u1", "w1", "Report Created", false),
        // u2 without a workspace: kept with a null workspace; an event without a user is no one's.
        ev("2026-03-01T12:00:00Z", "u2", null, "Report Created", false),
        ev("2026-03-01T12:00:00Z", null, "w1", "Report Created", false));

    List<Row> out = ProductTransforms.userEventDaily(events).orderBy("event_date", "user_id", "event").collectAsList();

    assertThat(out).extracting(Row::toString).containsExactly(
        "[2026-03-01,u1,w1,Export Completed,2026-03-01 10:00:00.0,1,2026-03-01]",
        "[2026-03-01,u1,w1,Report Created,2026-03-01 08:00:00.0,3,2026-03-01]",
        "[2026-03-01,u2,null,Report Created,2026-03-01 12:00:00.0,1,2026-03-01]",
        "[2026-03-02,u1,w1,Report Created,2026-03-02 00:01:00.0,1,2026-03-01]");
    assertThat(ProductTransforms.userEventDaily(events).columns())
        .containsExactly("event_date", "user_id", "workspace_id", "event", "first_at", "events", "event_month");
  }
}
