/** What `usePaginationFragment` answers, as far as the button needs it. */
interface Pages {
  hasNext: boolean;
  isLoadingNext: boolean;
  loadNext: (count: number) => unknown;
}

/**
 * The end of a paginated list: how many of how many are shown and a button for the next page of
 * `size`, so a long list never stops silently at its first page. `of` is the connection read
 * (its edges and, where it has one, its totalCount); `shown` where the list shows fewer than its
 * edges; `onLoad` runs before the next page is asked for.
 */
export function LoadMore({
  pages,
  size,
  of,
  shown = of.edges.length,
  what,
  onLoad,
}: {
  pages: Pages;
  size: number;
  of: { readonly edges: readonly unknown[]; readonly totalCount?: number | null };
  shown?: number;
  what: string;
  onLoad?: () => void;
}) {
  if (!pages.hasNext) return null;
  const total = of.totalCount;
  return (
    <div className="row load-more">
      <button
        type="button"
        onClick={() => {
          onLoad?.();
          pages.loadNext(size);
        }}
        disabled={pages.isLoadingNext}
      >
        {pages.isLoadingNext ? 'Loading…' : `Load more ${what}`}
      </button>
      <span className="muted small" role="status">
        {total != null ? `${shown} of ${total} shown` : `${shown} shown`}
      </span>
    </div>
  );
}
