-- Manifest imports: a connector imported from another environment remembers its source
-- connector's name, so the next import of the same source adds a version instead of a copy.
ALTER TABLE "connectors" ADD COLUMN "import_source" TEXT;
CREATE UNIQUE INDEX "connectors_workspace_id_import_source_key" ON "connectors"("workspace_id", "import_source");
