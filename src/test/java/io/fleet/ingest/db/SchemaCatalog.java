package io.fleet.ingest.db;

import io.fleet.ingest.support.Sql;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a migrated database holds in tracksolid.* and reporting.*, one line per fact, per kind:
 * tables and columns, constraints, indexes, view definitions, functions, owners and grants, default
 * privileges, the service roles and their settings, and the seeded rows. Two databases built by
 * different migration histories are compared line by line.
 */
record SchemaCatalog(Map<String, Set<String>> kinds) {
  private static final String OURS = "n.nspname IN ('tracksolid', 'reporting')";

  static SchemaCatalog of(io.fleet.ingest.db.DatabaseTarget db) {
    Map<String, Set<String>> kinds = new LinkedHashMap<>();
    kinds.put(
        "columns",
        lines(
            db,
            """
        SELECT n.nspname || '.' || c.relname || ' [' || c.relkind::text || '] #' || a.attnum || ' ' || a.attname || ' '
               || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
               || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
               || COALESCE(' -- ' || col_description(c.oid, a.attnum), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE %s AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')"""
                .formatted(OURS)));
    kinds.put(
        "constraints",
        lines(
            db,
            """
        SELECT n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE %s"""
                .formatted(OURS)));
    kinds.put(
        "indexes",
        lines(
            db,
            """
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE %s"""
                .formatted(OURS)));
    kinds.put(
        "views",
        lines(
            db,
            """
        SELECT n.nspname || '.' || c.relname || ' [' || c.relkind::text || '] ' || pg_get_viewdef(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE %s AND c.relkind IN ('v', 'm')"""
                .formatted(OURS)));
    kinds.put(
        "functions",
        lines(
            db,
            """
        SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE %s"""
                .formatted(OURS)));
    kinds.put(
        "owners",
        lines(
            db,
            """
        SELECT 'schema ' || n.nspname || ' ' || pg_get_userbyid(n.nspowner) FROM pg_namespace n WHERE %1$s
        UNION ALL
        SELECT n.nspname || '.' || c.relname || ' [' || c.relkind::text || '] ' || pg_get_userbyid(c.relowner)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE %1$s
        UNION ALL
        SELECT p.oid::regprocedure || ' ' || pg_get_userbyid(p.proowner)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE %1$s"""
                .formatted(OURS)));
    kinds.put(
        "grants",
        lines(
            db,
            """
        SELECT 'schema ' || n.nspname || ' ' || grantee || ' ' || privilege_type || ' by ' || grantor
        FROM pg_namespace n CROSS JOIN LATERAL (
          SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                 a.privilege_type, pg_get_userbyid(a.grantor) AS grantor
          FROM aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a) x
        WHERE %1$s
        UNION ALL
        SELECT n.nspname || '.' || c.relname || ' ' || grantee || ' ' || privilege_type || ' by ' || grantor
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL (
          SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                 a.privilege_type, pg_get_userbyid(a.grantor) AS grantor
          FROM aclexplode(COALESCE(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char",
                                                        c.relowner))) a) x
        WHERE %1$s
        UNION ALL
        SELECT p.oid::regprocedure || ' ' || grantee || ' ' || privilege_type || ' by ' || grantor
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN LATERAL (
          SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                 a.privilege_type, pg_get_userbyid(a.grantor) AS grantor
          FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a) x
        WHERE %1$s"""
                .formatted(OURS)));
    kinds.put(
        "default privileges",
        lines(
            db,
            """
        SELECT 'default ' || pg_get_userbyid(d.defaclrole) || ' in ' || COALESCE(n.nspname, '(all schemas)')
               || ' on ' || d.defaclobjtype::text || ': ' || array_to_string(ARRAY(
                 SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
                        || ' ' || a.privilege_type FROM aclexplode(d.defaclacl) a ORDER BY 1), ', ')
        FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"""));
    kinds.put(
        "roles",
        lines(
            db,
            """
        SELECT r.rolname || ' login=' || r.rolcanlogin || ' super=' || r.rolsuper || ' createrole=' || r.rolcreaterole
               || ' inherit=' || r.rolinherit || ' password=' || (r.rolpassword IS NOT NULL)
        FROM pg_authid r WHERE r.rolname LIKE 'tracksolid\\_%' AND r.rolname <> 'tracksolid_app'
        UNION ALL
        SELECT r.rolname || ' SET ' || cfg FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        CROSS JOIN unnest(s.setconfig) cfg WHERE r.rolname LIKE 'tracksolid\\_%'"""));
    kinds.put(
        "seeded rows",
        lines(
            db,
            """
        SELECT 'ingest_streams ' || s::text FROM tracksolid.ingest_streams s"""));
    return new SchemaCatalog(kinds);
  }

  /** Lines only in this catalog, per kind (kinds with none left out). */
  Map<String, Set<String>> minus(SchemaCatalog other) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    kinds.forEach(
        (kind, mine) -> {
          Set<String> only = new TreeSet<>(mine);
          only.removeAll(other.kinds.getOrDefault(kind, Set.of()));
          if (!only.isEmpty()) {
            out.put(kind, only);
          }
        });
    return out;
  }

  private static Set<String> lines(io.fleet.ingest.db.DatabaseTarget db, String sql) {
    List<Map<String, Object>> rows = Sql.rows(db, sql);
    return rows.stream()
        .map(r -> String.valueOf(r.values().iterator().next()))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
