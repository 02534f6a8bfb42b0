// The real graphql-sse client in single-connection mode, run as its own process: Node 20's fetch
// (undici) throws an uncaught ERR_INVALID_STATE when the client disposes of a finished stream,
// which would otherwise land in the test runner. Prints one JSON line per step.
import { createClient } from 'graphql-sse';

const client = createClient({
  url: process.env.STREAM_URL,
  singleConnection: true,
  headers: { authorization: `Bearer ${process.env.TOKEN}` },
  retryAttempts: 0,
});
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const query = await new Promise((resolve, reject) => {
  let result;
  client.subscribe(
    { query: '{ connectors(first: 1) { totalCount } }' },
    { next: (r) => (result = r), error: reject, complete: () => resolve(result) },
  );
});
say({ step: 'query', result: query });
client.subscribe(
  { query: 'subscription { lifecycleEvents { __typename } }' },
  {
    next: (r) => say({ step: 'event', result: r }),
    error: (e) => say({ step: 'error', error: String(e) }),
    complete: () => {},
  },
);
setTimeout(() => say({ step: 'subscribed' }), 300);
process.on('SIGTERM', () => {
  client.dispose();
  setTimeout(() => process.exit(0), 300);
});
