import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';

/** A header link, marked as the current page (aria-current, highlighted) on its path and below it. */
export function NavLink({
  href,
  label,
  children,
}: {
  href: string;
  label?: string;
  children: ReactNode;
}) {
  const [location] = useLocation();
  const current = location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} aria-label={label} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}
