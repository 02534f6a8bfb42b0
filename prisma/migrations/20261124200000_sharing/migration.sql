-- Sharing, community library, installs and update notifications.

CREATE TYPE "ListingStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'DISABLED');
CREATE TYPE "InstallSource" AS ENUM ('LISTING', 'LINK');

CREATE TABLE "reviewers" (
    "id" SERIAL NOT NULL,
    "handle" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "reviewers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reviewers_handle_key" ON "reviewers"("handle");

-- A token belongs to a member or to a reviewer, never both, never neither.
ALTER TABLE "api_tokens" ALTER COLUMN "member_id" DROP NOT NULL;
ALTER TABLE "api_tokens" ADD COLUMN "reviewer_id" INTEGER;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_one_owner" CHECK (("member_id" IS NULL) <> ("reviewer_id" IS NULL));
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "reviewers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "connectors" ADD COLUMN "install_count" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "share_links" (
    "id" SERIAL NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" INTEGER,
    "revoked_at" TIMESTAMP(3),
    CONSTRAINT "share_links_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "share_links_token_hash_key" ON "share_links"("token_hash");
CREATE INDEX "share_links_connector_id_idx" ON "share_links"("connector_id");
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "catalog_apps" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "catalog_apps_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "catalog_apps_name_key" ON "catalog_apps"("name");

-- A starting catalog; reviewers add more with addCatalogApp.
INSERT INTO "catalog_apps" ("name") VALUES
  ('Airtable'), ('Asana'), ('BambooHR'), ('Box'), ('Confluence'), ('Dropbox'), ('GitHub'), ('GitLab'),
  ('Gmail'), ('Google Drive'), ('Google Sheets'), ('HubSpot'), ('Intercom'), ('Jira'), ('Mailchimp'),
  ('Microsoft Teams'), ('NetSuite'), ('Notion'), ('Okta'), ('PagerDuty'), ('QuickBooks Online'),
  ('Salesforce'), ('SAP'), ('ServiceNow'), ('Shopify'), ('Slack'), ('Snowflake'), ('Stripe'),
  ('Trello'), ('Twilio'), ('Workday'), ('Xero'), ('Zendesk'), ('Zoom');

CREATE TABLE "listings" (
    "id" SERIAL NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "app_id" INTEGER,
    "app_name" TEXT NOT NULL,
    "categories" TEXT[],
    "prevent_direct_install" BOOLEAN NOT NULL DEFAULT false,
    "landing_page_url" TEXT,
    "status" "ListingStatus" NOT NULL DEFAULT 'PENDING',
    "review_reason" TEXT,
    "reviewed_at" TIMESTAMP(3),
    "reviewed_by_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "listings_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "listings_connector_id_key" ON "listings"("connector_id");
CREATE INDEX "listings_status_app_name_idx" ON "listings"("status", "app_name");
ALTER TABLE "listings" ADD CONSTRAINT "listings_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "listings" ADD CONSTRAINT "listings_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "catalog_apps"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "listings" ADD CONSTRAINT "listings_reviewed_by_id_fkey" FOREIGN KEY ("reviewed_by_id") REFERENCES "reviewers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "installs" (
    "id" SERIAL NOT NULL,
    "parent_id" INTEGER NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "source" "InstallSource" NOT NULL,
    "installed_version" INTEGER NOT NULL,
    "base_version" INTEGER NOT NULL,
    "installed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "installed_by_id" INTEGER,
    "updated_at" TIMESTAMP(3),
    CONSTRAINT "installs_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "installs_connector_id_key" ON "installs"("connector_id");
CREATE INDEX "installs_parent_id_idx" ON "installs"("parent_id");
CREATE INDEX "installs_workspace_id_idx" ON "installs"("workspace_id");
ALTER TABLE "installs" ADD CONSTRAINT "installs_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "installs" ADD CONSTRAINT "installs_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "installs" ADD CONSTRAINT "installs_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "installs" ADD CONSTRAINT "installs_installed_by_id_fkey" FOREIGN KEY ("installed_by_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "notifications" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "install_id" INTEGER NOT NULL,
    "parent_version" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMP(3),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "notifications_install_id_parent_version_key" ON "notifications"("install_id", "parent_version");
CREATE INDEX "notifications_workspace_id_id_idx" ON "notifications"("workspace_id", "id");
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_install_id_fkey" FOREIGN KEY ("install_id") REFERENCES "installs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
