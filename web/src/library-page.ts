/** Listings per page of the community library (and per "Load more"). */
export const LIBRARY_PAGE = 25;
