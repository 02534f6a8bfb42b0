import { logoSrc } from '../logo';

export function Logo({ logo, title, size = 32 }: { logo: string | null | undefined; title: string; size?: number }) {
  const src = logoSrc(logo);
  if (!src) {
    return (
      <span className="logo placeholder" style={{ width: size, height: size }} aria-hidden="true">
        {title.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return <img className="logo" src={src} width={size} height={size} alt={`${title} logo`} />;
}
