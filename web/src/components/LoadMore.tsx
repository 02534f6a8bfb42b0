/**
 * The end of a paginated list: how many of how many are shown and a button for the next page, so a
 * long list never stops silently at its first page.
 */
export function LoadMore({
  shown,
  total,
  hasNext,
  loading,
  onLoad,
  what,
}: {
  shown: number;
  total?: number | null;
  hasNext: boolean;
  loading: boolean;
  onLoad: () => void;
  what: string;
}) {
  if (!hasNext) return null;
  return (
    <div className="row load-more">
      <button type="button" onClick={onLoad} disabled={loading}>
        {loading ? 'Loading…' : `Load more ${what}`}
      </button>
      <span className="muted small" role="status">
        {total != null ? `${shown} of ${total} shown` : `${shown} shown`}
      </span>
    </div>
  );
}
