-- Recorded tests per connector (src/domain/tests.ts): test cases with their recordings, and the
-- result of each replay against a version or against a parent's update before it is taken.

ALTER TABLE "connectors" ADD COLUMN "require_passing_tests" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "connector_runs" ADD COLUMN "code" TEXT;

CREATE TYPE "TestStatus" AS ENUM ('PENDING', 'PASSED', 'FAILED');

CREATE TABLE "connector_tests" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "input" JSONB NOT NULL DEFAULT '{}',
    "closure" JSONB,
    "args" JSONB,
    "payload" JSONB,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "recording" JSONB NOT NULL DEFAULT '[]',
    "expected_output" JSONB,
    "assertions" JSONB NOT NULL DEFAULT '[]',
    "source_run_id" INTEGER,
    "created_by_handle" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "connector_tests_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "connector_tests_connector_id_name_key" ON "connector_tests"("connector_id", "name");
CREATE INDEX "connector_tests_workspace_id_idx" ON "connector_tests"("workspace_id");
ALTER TABLE "connector_tests" ADD CONSTRAINT "connector_tests_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "test_results" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "test_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "parent_version" INTEGER,
    "status" "TestStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "failures" JSONB NOT NULL DEFAULT '[]',
    "run_id" INTEGER,
    "duration_ms" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    CONSTRAINT "test_results_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "test_results_run_id_key" ON "test_results"("run_id");
CREATE INDEX "test_results_connector_id_version_id_idx" ON "test_results"("connector_id", "version", "id");
CREATE INDEX "test_results_test_id_id_idx" ON "test_results"("test_id", "id");
ALTER TABLE "test_results" ADD CONSTRAINT "test_results_test_id_fkey" FOREIGN KEY ("test_id") REFERENCES "connector_tests"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "test_results" ADD CONSTRAINT "test_results_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "test_results" ADD CONSTRAINT "test_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "connector_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
