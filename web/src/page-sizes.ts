// Page sizes of the lists whose first page loads at the route (App.tsx), read there and by the
// pages' "Load more".

/** Listings per page of the community library. */
export const LIBRARY_PAGE = 25;
/** Notifications per page. */
export const NOTIFICATIONS_PAGE = 25;
/** Released connectors per page of the manifest export picker. */
export const MANIFESTS_PAGE = 50;
