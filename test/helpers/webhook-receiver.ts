import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The body as sent (the signature is over these bytes). */
  body: string;
}

/**
 * A local webhook receiver on loopback (admitted by WEBHOOK_ALLOW_HTTP_LOOPBACK): answers the first
 * `failures` deliveries with 500, then 204, and keeps every delivery it got, failed ones included.
 */
export async function webhookReceiver(failures = 0) {
  const received: ReceivedDelivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(received.length <= failures ? 500 : 204).end('');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The bodies received so far, parsed. */
    bodies: () => received.map((d) => JSON.parse(d.body)),
    close: () => new Promise((r) => server.close(r)),
  };
}
