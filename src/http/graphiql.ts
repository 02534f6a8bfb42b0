import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Hono } from 'hono';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Env } from './guard.js';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Where GraphiQL's files are served: `/graphiql/<name>.<content hash>.<ext>`. */
const PREFIX = '/graphiql/';

interface Asset {
  path: string;
  type: string;
  bytes: Buffer;
  /** Compressed once, on first request, then kept. */
  encoded?: Promise<{ br: Buffer; gzip: Buffer }>;
}

function asset(name: string, ext: string, type: string, bytes: Buffer): Asset {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return { path: `${PREFIX}${name}.${hash}.${ext}`, type, bytes };
}

/**
 * GraphiQL's 9 MB of assets (bundled in @graphql-yoga/render-graphiql, so it works offline),
 * loaded on the first GraphiQL page or asset request: a server nobody opens GraphiQL on never
 * parses that module nor holds its copies (~0.1 s of start-up and tens of MB of RSS).
 */
let loading: Promise<{
  assets: Record<'js' | 'css' | 'editorWorker' | 'jsonWorker' | 'graphqlWorker' | 'favicon', Asset>;
  byPath: Map<string, Asset>;
}> | null = null;

function graphiqlAssets() {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then(
    ({ css, editorWorkerService, favicon, graphqlWorker, js, jsonWorker }) => {
      const assets = {
        js: asset('graphiql', 'js', 'text/javascript; charset=utf-8', Buffer.from(js)),
        css: asset('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(css)),
        editorWorker: asset(
          'editor.worker',
          'js',
          'text/javascript; charset=utf-8',
          Buffer.from(editorWorkerService),
        ),
        jsonWorker: asset(
          'json.worker',
          'js',
          'text/javascript; charset=utf-8',
          Buffer.from(jsonWorker),
        ),
        graphqlWorker: asset(
          'graphql.worker',
          'js',
          'text/javascript; charset=utf-8',
          Buffer.from(graphqlWorker),
        ),
        favicon: asset(
          'favicon',
          'ico',
          'image/x-icon',
          Buffer.from(favicon.slice(favicon.indexOf(',') + 1), 'base64'),
        ),
      };
      return { assets, byPath: new Map(Object.values(assets).map((a) => [a.path, a])) };
    },
  );
  return loading;
}

/**
 * What GraphiQL opens with: the Headers tab showing where the token goes, in every new tab too.
 * ASCII only: browsers refuse a header value outside Latin-1 (an ellipsis made the first run fail
 * with a TypeError before reaching the server), and this one reaches it and gets a plain 401.
 */
const AUTH_TEMPLATE = JSON.stringify(
  {
    Authorization:
      'Bearer <paste a token: npx connector-registry token create --workspace acme --role admin>',
  },
  null,
  2,
);

/**
 * Runs in the page, around GraphiQL: its state (tabs, their headers) lives in this browser tab's
 * sessionStorage, so a pasted token survives a reload of the tab and leaves with it (never in
 * localStorage, shared by every tab and kept for good); the headers last used become the default
 * of new tabs; and a change of the active tab's headers re-fetches the schema (the docs pane
 * otherwise keeps the failure of the first, tokenless introspection).
 */
const TAB_STORAGE = `(function (options) {
  var store = window.sessionStorage, LAST = 'registry:graphiql-headers', lastSeen = store.getItem(LAST), timer;
  if (lastSeen) { options.headers = lastSeen; options.defaultHeaders = lastSeen; }
  function refetchSchema() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var button = document.querySelector('[aria-label^="Re-fetch GraphQL schema"]');
      if (button) button.click();
    }, 300);
  }
  function watch(key, value) {
    if (!/tabState$/.test(key)) return;
    try {
      var state = JSON.parse(value), tab = state.tabs[state.activeTabIndex], headers = tab && tab.headers;
      if (typeof headers === 'string' && headers !== lastSeen) {
        var first = lastSeen === null && headers === options.headers;
        lastSeen = headers;
        store.setItem(LAST, headers);
        if (!first) refetchSchema();
      }
    } catch (e) {}
  }
  options.storage = {
    getItem: function (k) { return store.getItem(k); },
    setItem: function (k, v) { store.setItem(k, v); watch(k, v); },
    removeItem: function (k) { store.removeItem(k); },
    clear: function () { store.clear(); },
    key: function (i) { return store.key(i); },
    get length() { return store.length; }
  };
  return options;
})`;

/** Script-safe JSON inside an inline <script>. */
const inline = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The GraphiQL page: a few hundred bytes that load the content-hashed assets above, which
 * browsers cache for a year (the hash changes when the package does).
 */
export async function renderGraphiQLPage(opts: GraphiQLOptions = {}): Promise<string> {
  const { assets: ASSETS } = await graphiqlAssets();
  const options: GraphiQLOptions = {
    ...opts,
    headers: AUTH_TEMPLATE,
    defaultHeaders: AUTH_TEMPLATE,
    defaultEditorToolsVisibility: 'headers',
  };
  const workers = {
    editorWorkerService: ASSETS.editorWorker.path,
    json: ASSETS.jsonWorker.path,
    graphql: ASSETS.graphqlWorker.path,
  };
  const title = (opts.title ?? 'GraphiQL').replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${ASSETS.favicon.path}" />
    <link rel="stylesheet" href="${ASSETS.css.path}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => (${inline(workers)})[label] };
    </script>
    <script src="${ASSETS.js.path}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${TAB_STORAGE}(${inline(options)}));
    </script>
  </body>
</html>`;
}

/** Serves the assets: immutable, brotli or gzip as accepted, public and never rate-limited. */
export function serveGraphiQLAssets(app: Hono<Env>): void {
  app.get(`${PREFIX}:file`, async (c) => {
    const found = (await graphiqlAssets()).byPath.get(c.req.path);
    if (!found)
      return c.json(
        {
          errors: [
            { message: `No GraphiQL asset ${c.req.path}.`, extensions: { code: 'NOT_FOUND' } },
          ],
        },
        404,
      );
    found.encoded ??= Promise.all([
      brotli(found.bytes, {
        params: {
          [zlib.BROTLI_PARAM_QUALITY]: 9,
          [zlib.BROTLI_PARAM_SIZE_HINT]: found.bytes.length,
        },
      }),
      gz(found.bytes, { level: 9 }),
    ]).then(([br, gzip]) => ({ br, gzip }));
    const accept = c.req.header('accept-encoding') ?? '';
    const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
    const body = encoding ? (await found.encoded)[encoding] : found.bytes;
    const headers: Record<string, string> = {
      'Content-Type': found.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    if (encoding) headers['Content-Encoding'] = encoding;
    return c.body(new Uint8Array(body), 200, headers);
  });
}
