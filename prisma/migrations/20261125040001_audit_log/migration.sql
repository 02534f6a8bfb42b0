-- Audit log: one append-only row per state change, written in the change's own transaction.
-- Rows are never changed or deleted: the triggers below refuse UPDATE, DELETE and TRUNCATE for
-- every client of the database, the registry's own code included.

CREATE TYPE "AuditActorKind" AS ENUM ('MEMBER', 'REVIEWER', 'CLI');

CREATE TABLE "audit_entries" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workspace_id" INTEGER,
    "actor_kind" "AuditActorKind" NOT NULL,
    "actor_id" INTEGER,
    "actor_handle" TEXT NOT NULL,
    "token_id" INTEGER,
    "action" TEXT NOT NULL,
    "target_id" TEXT,
    "request_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_entries_workspace_id_id_idx" ON "audit_entries"("workspace_id", "id");
CREATE INDEX "audit_entries_action_id_idx" ON "audit_entries"("action", "id");
CREATE INDEX "audit_entries_target_id_idx" ON "audit_entries"("target_id");

CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "audit_entries_no_change" BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_append_only"();
CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_append_only"();
