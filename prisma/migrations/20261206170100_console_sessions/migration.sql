-- A console session is a token with an expiry (sign-in links mint them); CLI tokens keep NULL.
ALTER TABLE "api_tokens" ADD COLUMN "expires_at" TIMESTAMP(3);
