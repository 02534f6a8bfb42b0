/** The actions and triggers a version defines, side by side. */
export function Definitions({
  actions,
  triggers,
}: {
  actions: readonly string[];
  triggers: readonly string[];
}) {
  return (
    <div className="grid2">
      {(
        [
          ['Actions', actions],
          ['Triggers', triggers],
        ] as const
      ).map(([label, names]) => (
        <div key={label}>
          <h3>{label}</h3>
          {names.length ? (
            <ul>
              {names.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None</p>
          )}
        </div>
      ))}
    </div>
  );
}
