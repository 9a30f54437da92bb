import http from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
  setCookie: string[];
  /** All response headers (e.g. Retry-After on a 503). */
  headers: http.IncomingHttpHeaders;
}

/**
 * A lean JSON client over node:http with kept-alive connections: fetch (undici) costs the
 * load process noticeably more CPU per request, and on two cores that CPU is taken from
 * the server being measured. No Origin header is sent: the nodes refuse unknown origins.
 */
export class JsonHttpClient {
  private readonly agent: http.Agent;

  constructor(maxSockets = 256) {
    // An idle socket is closed after 4 s, before a server with Node's default 5 s keep-alive
    // timeout closes it: reusing a socket the server is closing fails the request with a reset.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 4_000 });
  }

  request(method: string, url: string, options: { json?: unknown; cookie?: string; timeoutMs?: number } = {}): Promise<JsonResponse> {
    const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: http.OutgoingHttpHeaders = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (options.cookie) headers.cookie = options.cookie;
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent, timeout: options.timeoutMs ?? 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text) body = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [], headers: res.headers });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  post(url: string, json: unknown, cookie?: string): Promise<JsonResponse> {
    return this.request('POST', url, { json, cookie });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The `name=value` pairs of Set-Cookie headers, as a Cookie header. */
export function cookieHeader(setCookie: readonly string[]): string {
  return setCookie.map((line) => line.split(';')[0]!).join('; ');
}

/** The error code of a Parley error body, if it has one. */
export function errorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
