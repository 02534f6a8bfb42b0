/**
 * Server mode with two PostgreSQL roles: an owner that runs the migrations (and owns every table)
 * and a runtime role the gateways connect as, which may read and write the registry's rows but
 * owns nothing. Only a table's owner (or a superuser) can `ALTER TABLE … DISABLE TRIGGER`, drop a
 * trigger or set `session_replication_role`, so the runtime role cannot get around the audit log's
 * append-only triggers; it is not even granted UPDATE, DELETE or TRUNCATE on the log.
 *
 * `grantRuntimeRole(role)` is the SQL the owner runs after each migration (`connector-registry
 * runtime-role --role <name>` prints it); default privileges cover tables a later migration adds.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function grantRuntimeRole(role: string): string {
  if (!IDENTIFIER.test(role))
    throw new Error(
      `A role name is lower-case letters, digits and _ (got ${JSON.stringify(role)}).`,
    );
  return `-- Run as the role that owns the registry's tables (the one migrations run as).
GRANT USAGE ON SCHEMA public TO ${role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role};
-- The audit log: append and read only.
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_entries" FROM ${role};
-- Migrations stay with the owner.
REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM ${role};
`;
}
