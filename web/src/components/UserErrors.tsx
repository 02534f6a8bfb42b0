import { graphql } from 'react-relay';

// What the console reads of a mutation's refusals: every mutation selects
// `userErrors { ...UserErrors_error @relay(mask: false) }`, and `refusal()` puts them in words.
graphql`
  fragment UserErrors_error on UserError {
    code
    message
    field
    detail
    latestVersion
  }
`;

/** A refusal from a mutation, in words (web/src/refusals.ts); its code stays in `data-code` for support. */
export interface UserError {
  readonly code?: string | null;
  readonly message: string;
  readonly field?: string | readonly string[] | null;
}

export function UserErrors({ errors }: { errors: readonly UserError[] | null | undefined }) {
  if (!errors?.length) return null;
  return (
    <div role="alert" className="error-box">
      {errors.map((e, i) => (
        <p key={i} data-code={e.code ?? undefined}>
          {e.message}
        </p>
      ))}
    </div>
  );
}
