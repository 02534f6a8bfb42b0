// The test browser's command line, apart from test/web/browser.ts so a benchmark (bench/browser-context.ts)
// launches the same Chromium without loading vitest.

/** Debian's chromium package, driven by playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * What the test browser turns off. Chromium reads only the last `--disable-features` of its command
 * line, and playwright-core passes its own list before ours, so this repeats playwright-core's
 * (1.65, src/server/chromium/chromiumSwitches.ts; test/web/browser-flags.test.ts fails when it no
 * longer covers the browser's other lists) and adds the omnibox popup. Chromium 156 builds that
 * popup as two web pages in a renderer of their own for every new window, and in headless mode every
 * browser context is a new window: measured, a context's first page load cost 3.3 s of Chromium's
 * CPU with the popup and 1.5 s without (bench/results/browser-context.md). Headless shows no omnibox.
 */
/** The omnibox popup's web pages: what the test browser turns off beyond playwright-core's list. */
export const OMNIBOX_POPUP_FEATURES = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
];

export const DISABLED_FEATURES = [
  // playwright-core's own
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
  ...OMNIBOX_POPUP_FEATURES,
];
/** The flags every test browser is launched with (headless, with Debian's Chromium). */
export const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
];
