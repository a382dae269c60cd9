package io.profitos.lakehouse.app.sql;

import org.apache.hive.service.cli.HiveSQLException;

/**
 * An error as a client of the SQL server reads it: its message alone, one line, with its SQL state. HiveServer2 sends a
 * failed statement's exception with its stack trace, so this one has none.
 */
class ClientError extends HiveSQLException {
  ClientError(String message, String sqlState, int code) {
    super(message, sqlState, code);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  @Override
  public String toString() {
    return getMessage();
  }
}
