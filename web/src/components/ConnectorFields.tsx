import { readAsDataUrl } from '../logo';

/** A connector's title, logo and Markdown description as a form edits them. */
export interface ConnectorDetails {
  title: string;
  description: string;
  /** A newly chosen image (data: URL); null: none chosen. */
  logo: string | null;
  /** Remove the current logo (edit only). */
  removeLogo: boolean;
}

export const emptyDetails: ConnectorDetails = {
  title: '',
  description: '',
  logo: null,
  removeLogo: false,
};

/**
 * The title, logo upload and Markdown description fields, for creating a connector and for editing
 * one (then `currentLogoUrl` shows the logo it has and offers to remove it).
 */
export function ConnectorFields({
  value,
  onChange,
  idPrefix = '',
  currentLogoUrl,
}: {
  value: ConnectorDetails;
  onChange: (next: ConnectorDetails) => void;
  idPrefix?: string;
  currentLogoUrl?: string | null;
}) {
  const id = (name: string) => `${idPrefix}${name}`;
  return (
    <>
      <div>
        <label htmlFor={id('title')}>Title</label>
        <input
          id={id('title')}
          required
          maxLength={200}
          value={value.title}
          onChange={(e) => onChange({ ...value, title: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={id('logo')}>
          {currentLogoUrl ? 'New logo' : 'Logo'} (PNG, JPEG, GIF or WebP, at most 512 KB)
        </label>
        <input
          id={id('logo')}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            onChange({
              ...value,
              logo: file ? await readAsDataUrl(file) : null,
              removeLogo: false,
            });
          }}
        />
        {value.logo && (
          <img src={value.logo} alt="Logo preview" width={48} height={48} className="logo" />
        )}
        {currentLogoUrl && !value.logo && (
          <div className="row">
            <input
              id={id('remove-logo')}
              type="checkbox"
              checked={value.removeLogo}
              onChange={(e) => onChange({ ...value, removeLogo: e.target.checked })}
            />
            <label htmlFor={id('remove-logo')}>Remove the logo</label>
          </div>
        )}
      </div>
      <div>
        <label htmlFor={id('description')}>Description (Markdown)</label>
        <textarea
          id={id('description')}
          rows={4}
          value={value.description}
          onChange={(e) => onChange({ ...value, description: e.target.value })}
        />
      </div>
    </>
  );
}
