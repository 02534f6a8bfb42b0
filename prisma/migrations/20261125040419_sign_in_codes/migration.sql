-- One-time sign-in links for the console: only the SHA-256 of a code is stored.
CREATE TABLE "sign_in_codes" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "code_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    CONSTRAINT "sign_in_codes_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "sign_in_codes_code_hash_key" ON "sign_in_codes"("code_hash");
CREATE INDEX "sign_in_codes_member_id_idx" ON "sign_in_codes"("member_id");
ALTER TABLE "sign_in_codes" ADD CONSTRAINT "sign_in_codes_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;
