-- The audit log's append-only triggers fire whatever the session's replication role: with the
-- default ENABLE they were skipped by `SET session_replication_role = replica`, so a role allowed
-- to set it could rewrite the log. (The table's owner can still ALTER TABLE … DISABLE TRIGGER:
-- in server mode the registry runs as a role that does not own its tables, see docs/security.md.)
ALTER TABLE "audit_entries" ENABLE ALWAYS TRIGGER "audit_entries_no_change";
ALTER TABLE "audit_entries" ENABLE ALWAYS TRIGGER "audit_entries_no_truncate";
