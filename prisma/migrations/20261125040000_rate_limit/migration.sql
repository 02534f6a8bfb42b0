-- Rate-limit budgets shared by every gateway process on this database (rate-limiter-flexible's
-- RateLimiterPostgres layout: one row per limiter and token, points spent in the window that
-- ends at `expire`, in epoch milliseconds).
CREATE TABLE "rate_limit" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,
    CONSTRAINT "rate_limit_pkey" PRIMARY KEY ("key")
);
