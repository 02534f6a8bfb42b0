/**
 * Every refusal code of the API (`ErrorCode`) in the console's words: one place, checked against
 * schema.graphql by test/web/refusals.test.ts, so a new code cannot ship without its sentence. The API's own `message` is written for API clients; the console
 * shows it only where it names the specific problem the person must fix (SPECIFIC below).
 */
export const REFUSALS: Readonly<Record<string, string>> = {
  ALREADY_OEM_SHARED: 'This version is already shared with your managed workspaces.',
  ALREADY_RELEASED: 'This version is already released.',
  ALREADY_SHARED: 'This version is already shared.',
  AUTHORIZATION_FAILED:
    "The connection could not be authorized with its provider. Check the connection's values and try Connect again.",
  CODE_HAS_ERRORS:
    'This version has errors in its code, so it cannot be released. Fix them and save a new version first.',
  DIGEST_MISMATCH:
    'The code did not arrive intact (it does not match its fingerprint), so nothing was copied. Try again.',
  DIRECT_INSTALL_PREVENTED:
    'Its publisher installs this connector through their own page, not from here.',
  EXECUTOR_UNAVAILABLE:
    'This registry is set up not to run connector code, so tests and runs are not available here.',
  FORBIDDEN: 'Your role does not allow this. Ask an admin of your workspace.',
  INVALID_INPUT: 'Something in the form needs fixing.',
  LINK_EXHAUSTED:
    'This share link has been used as many times as it allows. Ask its publisher for a new link.',
  LINK_EXPIRED: 'This share link has expired. Ask its publisher for a new link.',
  LISTING_STATE: 'This listing has already been decided on, so it cannot be reviewed again now.',
  MERGE_CONFLICT:
    "The parent's update changes the same lines as your copy's own edits. Choose which version of those lines to keep.",
  NOTHING_RELEASED: 'Nothing is released yet. Release a version first.',
  NOTHING_SHARED: 'Nothing is shared yet. Share a released version first.',
  NOTHING_TO_ROLL_OUT: 'There is no staged share to change.',
  NOT_AN_INSTALL: "This connector is not a copy of another workspace's connector.",
  NOT_FOUND: 'That no longer exists, or you cannot see it.',
  OWN_CONNECTOR: 'This connector is already yours; there is nothing to install.',
  RATE_LIMITED: 'Too many requests in a short time. Wait a moment and try again.',
  RUN_FINISHED: 'This run has already finished, so there is nothing to cancel.',
  TESTS_FAILING:
    'This connector requires its tests to pass before it is released or shared, and some have not passed against this version.',
  TOO_MANY_RUNS:
    'Your workspace already has as many runs going as it may. Wait for one to finish and try again.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  UP_TO_DATE: 'Your copy already has the latest shared version.',
  VERSION_CONFLICT:
    'A newer version was saved while you were working. Look at it before saving again.',
  VERSION_YANKED: 'Its publisher withdrew this version; it cannot be installed.',
};

/** Codes whose API message names the exact thing to fix (which field, which line of code). */
const SPECIFIC = new Set<string>(['INVALID_INPUT', 'CODE_HAS_ERRORS', 'TESTS_FAILING']);

/** A refusal in the console's words: the sentence for its code, plus the specific problem where that helps. */
export function refusalText(
  code: string | null | undefined,
  message: string,
  detail?: string | null,
): string {
  const sentence = code && Object.hasOwn(REFUSALS, code) ? REFUSALS[code] : undefined;
  if (!sentence) return message;
  if (!SPECIFIC.has(code!)) return sentence;
  const specific = detail ?? message;
  return code === 'INVALID_INPUT' ? specific : `${sentence} ${specific}`;
}
