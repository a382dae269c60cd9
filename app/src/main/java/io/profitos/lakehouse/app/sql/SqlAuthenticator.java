package io.profitos.lakehouse.app.sql;

import java.util.Map;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * The server's password check (HiveServer2's custom authentication): the user must be configured and the password
 * must match the user's salted hash. HiveServer2 makes one of these per login, so the users live in a static field the
 * server sets once at start. A refusal says no more than that the login failed.
 */
public final class SqlAuthenticator implements PasswdAuthenticationProvider {
  private static volatile Map<String, SqlServerSettings.User> users = Map.of();

  static void use(Map<String, SqlServerSettings.User> configured) {
    users = Map.copyOf(configured);
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    SqlServerSettings.User u = user == null ? null : users.get(user);
    // Hash even for an unknown user, so a refusal takes as long whether or not the name exists.
    String hash = u != null ? u.passwordHash() : DUMMY;
    boolean ok = PasswordHash.matches(password == null ? new char[0] : password.toCharArray(), hash);
    if (u == null || !ok) {
      throw new AuthenticationException("Login refused for user '" + user + "': unknown user or wrong password.");
    }
  }

  private static final String DUMMY = PasswordHash.create("not-a-password".toCharArray());
}
