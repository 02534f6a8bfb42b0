-- A publisher hears of a reviewer's decision on its listing as a notification, beside the update
-- notifications of copies: a notification is now of a kind, and only an update names an install
-- and the parent's version; a review names the listed connector and the decision.
CREATE TYPE "NotificationKind" AS ENUM ('UPDATE_AVAILABLE', 'LISTING_REVIEWED');

ALTER TABLE "notifications"
  ADD COLUMN "kind" "NotificationKind" NOT NULL DEFAULT 'UPDATE_AVAILABLE',
  ALTER COLUMN "install_id" DROP NOT NULL,
  ALTER COLUMN "parent_version" DROP NOT NULL,
  ADD COLUMN "connector_id" INTEGER,
  ADD COLUMN "listing_status" "ListingStatus",
  ADD COLUMN "review_reason" TEXT,
  ADD CONSTRAINT "notifications_kind_fields" CHECK (
    CASE "kind"
      WHEN 'UPDATE_AVAILABLE' THEN "install_id" IS NOT NULL AND "parent_version" IS NOT NULL
      ELSE "connector_id" IS NOT NULL AND "listing_status" IS NOT NULL
    END
  );

ALTER TABLE "notifications" ADD CONSTRAINT "notifications_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
