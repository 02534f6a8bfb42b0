import type { ReactNode } from 'react';

/**
 * A list as a table: a header row of `columns` (a `false` one is left out, for a column only some
 * viewers see) over the rows given as children. `label` names it for screen readers where no
 * heading or `caption` does.
 */
export function ListTable({
  label,
  caption,
  columns,
  children,
}: {
  label?: string;
  caption?: string;
  columns: (string | false)[];
  children: ReactNode;
}) {
  return (
    <table className="list" aria-label={label}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns
            .filter((c): c is string => c !== false)
            .map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
