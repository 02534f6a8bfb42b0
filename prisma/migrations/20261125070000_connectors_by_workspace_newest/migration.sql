-- A workspace's connectors are listed newest first (ORDER BY id DESC LIMIT n): this index walks
-- them in that order and stops after the page, instead of sorting every connector of the
-- workspace (and, with relation joins, building the versions of each before the sort).
CREATE INDEX "connectors_workspace_id_id_idx" ON "connectors" ("workspace_id", "id");
