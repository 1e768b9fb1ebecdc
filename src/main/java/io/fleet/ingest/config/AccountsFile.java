package io.fleet.ingest.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The accounts of TRACKSOLID_ACCOUNTS_FILE: a JSON array of objects, one per Tracksolid account.
 * Every entry that cannot be used is reported as a problem with the file, by its position.
 */
final class AccountsFile {
  private AccountsFile() {}

  /**
   * The usable entries of {@code file}; {@code defaultUrl} and {@code defaultTripsMethod} fill
   * gaps.
   */
  static List<TracksolidAccount> read(
      ConfigSource source, String file, URI defaultUrl, String defaultTripsMethod) {
    List<TracksolidAccount> out = new ArrayList<>();
    JsonArray array;
    try {
      array = new JsonArray(Files.readString(Path.of(file)));
    } catch (Exception e) {
      source.problem(
          TracksolidConfig.TRACKSOLID_ACCOUNTS_FILE,
          "cannot read a JSON array from '" + file + "' (" + e.getClass().getSimpleName() + ")");
      return out;
    }
    for (int i = 0; i < array.size(); i++) {
      String where = "entry " + i + " of " + file;
      if (!(array.getValue(i) instanceof JsonObject a)) {
        source.problem(TracksolidConfig.TRACKSOLID_ACCOUNTS_FILE, where + " is not an object");
        continue;
      }
      String appKey = a.getString("appKey", "").trim();
      String secret = a.getString("appSecret", "").trim();
      String userId = a.getString("userId", "").trim();
      String md5 = a.getString("passwordMd5", "").trim().toLowerCase(java.util.Locale.ROOT);
      String password = a.getString("password", "");
      if (md5.isEmpty() && !password.isEmpty()) {
        md5 = TracksolidAccount.md5Hex(password);
      }
      if (appKey.isEmpty()
          || secret.isEmpty()
          || userId.isEmpty()
          || !md5.matches("[0-9a-f]{32}")) {
        source.problem(
            TracksolidConfig.TRACKSOLID_ACCOUNTS_FILE,
            where + " needs appKey, appSecret, userId and password or passwordMd5");
        continue;
      }
      URI url = defaultUrl;
      if (a.getString("baseUrl") != null) {
        try {
          url = ValueParser.httpUrl().parse(a.getString("baseUrl"));
        } catch (IllegalArgumentException e) {
          source.problem(
              TracksolidConfig.TRACKSOLID_ACCOUNTS_FILE, where + " baseUrl " + e.getMessage());
        }
      }
      List<String> targets = new ArrayList<>();
      JsonArray t = a.getJsonArray("targets", new JsonArray());
      t.forEach(x -> targets.add(String.valueOf(x)));
      String tripsMethod = a.getString("tripsMethod", defaultTripsMethod);
      if (!TracksolidAccount.TRIPS_MILEAGE.equals(tripsMethod)
          && !TracksolidAccount.TRIPS_REPORT.equals(tripsMethod)) {
        source.problem(
            TracksolidConfig.TRACKSOLID_ACCOUNTS_FILE,
            where + " tripsMethod must be mileage or report");
        continue;
      }
      out.add(
          new TracksolidAccount(
              a.getString("name", userId),
              url,
              appKey,
              secret,
              userId,
              md5,
              targets.isEmpty() ? List.of(userId) : targets,
              tripsMethod));
    }
    return out;
  }
}
