/** The limits of connector data, in one place (the spec's 10 MB of code among them). */
export const LIMITS = {
  codeBytes: 10 * 1024 * 1024,
  titleChars: 200,
  descriptionChars: 100_000,
  noteChars: 10_000,
  logoBytes: 512 * 1024,
  searchChars: 200,
  /** Released versions listed on a connector unless the caller asks for another count. */
  releasedVersions: 10,
  pageSize: 100,
  appNameChars: 100,
  categories: 10,
  categoryChars: 50,
  urlChars: 2000,
  reasonChars: 2000,
} as const;
