-- OAuth2 authorization-code flows of saved connections (Connect → the gateway's /oauth/callback).
CREATE TABLE "oauth_authorizations" (
    "id" SERIAL NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "connection_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "token_id" INTEGER,
    "state_hash" TEXT NOT NULL,
    "binding_hash" TEXT NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "sealed_code" TEXT,
    "exchange_run_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    CONSTRAINT "oauth_authorizations_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "oauth_authorizations_state_hash_key" ON "oauth_authorizations"("state_hash");
CREATE UNIQUE INDEX "oauth_authorizations_exchange_run_id_key" ON "oauth_authorizations"("exchange_run_id");
CREATE INDEX "oauth_authorizations_workspace_id_idx" ON "oauth_authorizations"("workspace_id");
CREATE INDEX "oauth_authorizations_connection_id_idx" ON "oauth_authorizations"("connection_id");
CREATE INDEX "oauth_authorizations_member_id_idx" ON "oauth_authorizations"("member_id");
ALTER TABLE "oauth_authorizations" ADD CONSTRAINT "oauth_authorizations_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "oauth_authorizations" ADD CONSTRAINT "oauth_authorizations_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "oauth_authorizations" ADD CONSTRAINT "oauth_authorizations_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;
