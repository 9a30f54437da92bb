/**
 * A small cookie-keeping HTTP client for tests: what a browser or `curl -c jar -b jar` does.
 * Bodies are parsed as JSON when they are JSON; `any` keeps assertions short.
 */
export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export class ApiClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string, private readonly defaultHeaders: Record<string, string> = {}) {}

  /** The Cookie header this client sends, e.g. to open a WebSocket as the same user. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request('GET', path, undefined, headers);
  }

  post(path: string, json?: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', path, json, headers);
  }

  /** Sends `raw` as-is (for malformed or non-JSON bodies). */
  async request(method: string, path: string, json?: unknown, headers: Record<string, string> = {}, raw?: string): Promise<ApiResponse> {
    const init: RequestInit = { method, headers: { ...this.defaultHeaders, ...headers }, redirect: 'manual' };
    const cookie = this.cookieHeader();
    if (cookie) (init.headers as Record<string, string>).cookie = cookie;
    if (raw !== undefined) init.body = raw;
    else if (json !== undefined) {
      init.body = JSON.stringify(json);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    for (const setCookie of res.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(setCookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: res.status, body, headers: res.headers };
  }
}
