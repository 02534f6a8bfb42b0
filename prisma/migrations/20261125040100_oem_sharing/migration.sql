-- OEM sharing: an embedded partner's workspace manages customer workspaces and hands each of
-- them a copy of the connectors it OEM-shares (tracked as installs with source OEM).

ALTER TABLE "workspaces" ADD COLUMN "managed_by_id" INTEGER;
CREATE INDEX "workspaces_managed_by_id_idx" ON "workspaces"("managed_by_id");
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_managed_by_id_fkey" FOREIGN KEY ("managed_by_id") REFERENCES "workspaces"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TYPE "InstallSource" ADD VALUE 'OEM';
