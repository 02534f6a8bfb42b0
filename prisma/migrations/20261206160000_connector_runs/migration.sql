-- Running connectors: saved connections (values sealed with AES-256-GCM by the application) and
-- the record of every run (src/domain/connections.ts, src/domain/runs.ts).

CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'MEMORY_LIMIT', 'CANCELLED', 'EXECUTOR_CRASHED');

CREATE TABLE "connections" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sealed_values" TEXT NOT NULL,
    "value_names" TEXT[],
    "authorized_at" TIMESTAMP(3),
    "created_by_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "connections_connector_id_name_key" ON "connections"("connector_id", "name");
CREATE INDEX "connections_workspace_id_idx" ON "connections"("workspace_id");
ALTER TABLE "connections" ADD CONSTRAINT "connections_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connections" ADD CONSTRAINT "connections_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connections" ADD CONSTRAINT "connections_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "connector_runs" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "input" JSONB,
    "closure" JSONB,
    "args" JSONB,
    "payload" JSONB,
    "output" JSONB,
    "details" JSONB,
    "error_message" TEXT,
    "error_line" INTEGER,
    "error_kind" TEXT,
    "logs" TEXT[],
    "exchanges" JSONB NOT NULL DEFAULT '[]',
    "duration_ms" INTEGER,
    "connection_id" INTEGER,
    "actor_id" INTEGER,
    "actor_handle" TEXT NOT NULL,
    "settings_updated" BOOLEAN NOT NULL DEFAULT false,
    "executor_id" TEXT,
    "heartbeat_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    CONSTRAINT "connector_runs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "connector_runs_connector_id_id_idx" ON "connector_runs"("connector_id", "id");
CREATE INDEX "connector_runs_workspace_id_status_idx" ON "connector_runs"("workspace_id", "status");
CREATE INDEX "connector_runs_status_heartbeat_at_idx" ON "connector_runs"("status", "heartbeat_at");
CREATE INDEX "connector_runs_connection_id_idx" ON "connector_runs"("connection_id");
ALTER TABLE "connector_runs" ADD CONSTRAINT "connector_runs_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connector_runs" ADD CONSTRAINT "connector_runs_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connector_runs" ADD CONSTRAINT "connector_runs_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "connector_runs" ADD CONSTRAINT "connector_runs_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;
