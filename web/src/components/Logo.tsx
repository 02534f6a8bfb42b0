/** A connector's logo from its `logoUrl` (a same-origin, immutable /logos/… path), or a placeholder. */
export function Logo({
  url,
  title,
  size = 32,
}: {
  url: string | null | undefined;
  title: string;
  size?: number;
}) {
  if (!url) {
    return (
      <span className="logo placeholder" style={{ width: size, height: size }} aria-hidden="true">
        {title.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return <img className="logo" src={url} width={size} height={size} alt={`${title} logo`} />;
}
