-- Logos are served by URL (/logos/<sha256>.<ext>): the content address is the SHA-256 of the
-- image bytes. A generated column keeps it in step with every write (create, update, import,
-- install, OEM copy) and fills it for existing rows; stored logos are plain base64 (checked on input).
ALTER TABLE "connectors" ADD COLUMN "logo_sha256" TEXT GENERATED ALWAYS AS (encode(sha256(decode("logo", 'base64')), 'hex')) STORED;
CREATE INDEX "connectors_logo_sha256_idx" ON "connectors" ("logo_sha256");
