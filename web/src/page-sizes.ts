// Page sizes of the lists whose first page loads at the route (App.tsx), read there and by the
// pages' "Load more".

/** Connectors per page of the workspace's list. */
export const CONNECTORS_PAGE = 20;
/** Listings per page of the community library. */
export const LIBRARY_PAGE = 25;
/** Notifications per page. */
export const NOTIFICATIONS_PAGE = 25;
/** Released connectors per page of the manifest export picker. */
export const MANIFESTS_PAGE = 50;
/** Listings per page of the review queue. */
export const REVIEW_PAGE = 20;
/** Webhooks per page, and deliveries per page of each: a page of each within the query cost limit. */
export const WEBHOOKS_PAGE = 10;
