-- Safe upgrades: digests and structure of versions, deprecation and yanking, staged rollouts,
-- trustworthy share links, per-version install/update events, lifecycle webhooks.

ALTER TABLE "connector_versions" ADD COLUMN "code_sha256" TEXT;
UPDATE "connector_versions" SET "code_sha256" = encode(sha256(convert_to("code", 'UTF8')), 'hex');
ALTER TABLE "connector_versions" ALTER COLUMN "code_sha256" SET NOT NULL;
ALTER TABLE "connector_versions" ADD COLUMN "structure" JSONB;
ALTER TABLE "connector_versions" ADD COLUMN "deprecated_at" TIMESTAMP(3);
ALTER TABLE "connector_versions" ADD COLUMN "deprecation_message" TEXT;
ALTER TABLE "connector_versions" ADD COLUMN "replacement_version" INTEGER;
ALTER TABLE "connector_versions" ADD COLUMN "yanked_at" TIMESTAMP(3);

ALTER TABLE "connectors" ADD COLUMN "rollout_version" INTEGER;
ALTER TABLE "connectors" ADD COLUMN "rollout_percent" INTEGER;

ALTER TABLE "installs" ADD COLUMN "base_sha256" TEXT;

ALTER TABLE "share_links" ADD COLUMN "expires_at" TIMESTAMP(3);
ALTER TABLE "share_links" ADD COLUMN "max_installs" INTEGER;
ALTER TABLE "share_links" ADD COLUMN "install_count" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "share_link_uses" (
    "id" SERIAL NOT NULL,
    "link_id" INTEGER NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "member_id" INTEGER,
    "connector_id" INTEGER,
    "used_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "share_link_uses_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "share_link_uses_link_id_idx" ON "share_link_uses"("link_id");
ALTER TABLE "share_link_uses" ADD CONSTRAINT "share_link_uses_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "share_link_uses" ADD CONSTRAINT "share_link_uses_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "share_link_uses" ADD CONSTRAINT "share_link_uses_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TYPE "VersionEventKind" AS ENUM ('INSTALL', 'UPDATE');
CREATE TABLE "version_events" (
    "id" SERIAL NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" "VersionEventKind" NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "version_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "version_events_connector_id_version_at_idx" ON "version_events"("connector_id", "version", "at");
ALTER TABLE "version_events" ADD CONSTRAINT "version_events_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "webhooks" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),
    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhooks_workspace_id_idx" ON "webhooks"("workspace_id");
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');
CREATE TABLE "webhook_deliveries" (
    "id" SERIAL NOT NULL,
    "webhook_id" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMP(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");
CREATE INDEX "webhook_deliveries_webhook_id_idx" ON "webhook_deliveries"("webhook_id");
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
