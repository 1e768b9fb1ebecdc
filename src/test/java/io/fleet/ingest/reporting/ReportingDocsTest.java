package io.fleet.ingest.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.db.Migrator;
import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * README's reporting table names every relation in reporting.* and every function a reader may call
 * on raw data.
 */
class ReportingDocsTest {

  @Test
  void theReadmeTableNamesEveryReportingObject() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String heading = "\n### Reporting for analysts (`reporting.*`)\n";
    assertThat(readme).contains(heading);
    String section = readme.substring(readme.indexOf(heading));
    section = section.substring(0, section.indexOf("\n## ", 5));
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    for (Map<String, Object> r :
        Sql.rows(
            db,
            """
        SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p')
        UNION
        SELECT p.proname || '(' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'reporting' AND p.prosecdef
          AND has_function_privilege('tracksolid_reader', p.oid, 'EXECUTE')""")) {
      String name = (String) r.get("name");
      assertThat(section)
          .as(name)
          .containsPattern("\\| [^\\n]*`" + java.util.regex.Pattern.quote(name));
    }
  }
}
