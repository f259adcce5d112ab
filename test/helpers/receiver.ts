/** A local HTTP receiver for outgoing requests (alerts): records each request, answers as told. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** What the receiver answered. */
  readonly status: number;
}

export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** The status of the next requests, in order; 200 once used up. `hang` never answers. */
  readonly script: (number | 'hang')[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const script: (number | 'hang')[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const status = script.shift() ?? 200;
      if (status === 'hang') return;
      requests.push({ headers: request.headers, body, status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
