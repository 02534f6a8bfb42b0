-- Registry core: workspaces, members, API tokens, connectors and their versions.
-- Written in the shape `prisma migrate dev` produces for prisma/schema.prisma.

CREATE TYPE "Role" AS ENUM ('ADMIN', 'DEVELOPER', 'OPERATOR');

CREATE TABLE "workspaces" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "members" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "handle" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "members_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_tokens" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "connectors" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "logo" TEXT,
    "description" TEXT,
    "latest_version" INTEGER NOT NULL,
    "released_version" INTEGER,
    "shared_version" INTEGER,
    "oem_shared_version" INTEGER,
    "oem_shared_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "connectors_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "connector_versions" (
    "id" SERIAL NOT NULL,
    "connector_id" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "note" TEXT,
    "code" TEXT NOT NULL,
    "code_size" INTEGER NOT NULL,
    "diagnostics" JSONB NOT NULL DEFAULT '[]',
    "has_errors" BOOLEAN NOT NULL,
    "actions" TEXT[],
    "triggers" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" INTEGER,
    "released_at" TIMESTAMP(3),
    "released_by_id" INTEGER,
    "shared_at" TIMESTAMP(3),
    CONSTRAINT "connector_versions_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "workspaces_slug_key" ON "workspaces"("slug");
CREATE UNIQUE INDEX "members_workspace_id_handle_key" ON "members"("workspace_id", "handle");
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE UNIQUE INDEX "connectors_name_key" ON "connectors"("name");
CREATE INDEX "connectors_workspace_id_title_idx" ON "connectors"("workspace_id", "title");
CREATE UNIQUE INDEX "connector_versions_connector_id_number_key" ON "connector_versions"("connector_id", "number");
CREATE INDEX "connector_versions_connector_id_released_at_idx" ON "connector_versions"("connector_id", "released_at");

ALTER TABLE "members" ADD CONSTRAINT "members_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connector_versions" ADD CONSTRAINT "connector_versions_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connector_versions" ADD CONSTRAINT "connector_versions_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "connector_versions" ADD CONSTRAINT "connector_versions_released_by_id_fkey" FOREIGN KEY ("released_by_id") REFERENCES "members"("id") ON DELETE SET NULL ON UPDATE CASCADE;
