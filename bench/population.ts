import { cookieHeader, errorCode, type JsonHttpClient } from './http-client';
import type { BenchNode } from './deployment';

export interface BenchUser {
  id: string;
  username: string;
  /** The session cookie from registration; every socket of the user shares it. */
  cookie: string;
}

/**
 * Registers `count` users through the public API, `concurrency` at a time, spread over the
 * nodes. Setup, not measured: it is as fast as bcrypt at the nodes' cost allows.
 */
export async function registerUsers(http: JsonHttpClient, nodes: readonly BenchNode[], count: number, runTag: string, concurrency = 16): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const node = nodes[index % nodes.length]!;
      const username = `b${runTag}_${index}`;
      const res = await http.post(`${node.httpUrl}/api/auth/register`, { username, email: `${username}@bench.invalid`, password: 'bench password' });
      if (res.status !== 201) throw new Error(`registering ${username}: ${res.status} ${errorCode(res.body) ?? JSON.stringify(res.body)}`);
      users[index] = { id: (res.body as { user: { id: string } }).user.id, username, cookie: cookieHeader(res.setCookie) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return users;
}

/** Creates the room as its first member and has the others join it. */
export async function createRoom(http: JsonHttpClient, node: BenchNode, name: string, members: readonly BenchUser[], concurrency = 16): Promise<void> {
  const [owner, ...rest] = members;
  if (!owner) throw new Error(`room ${name} has no members`);
  const created = await http.post(`${node.httpUrl}/api/rooms`, { name }, owner.cookie);
  if (created.status !== 201) throw new Error(`creating room ${name}: ${created.status} ${errorCode(created.body) ?? ''}`);
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const member = rest[next++]!;
      const joined = await http.post(`${node.httpUrl}/api/rooms/${name}/join`, {}, member.cookie);
      if (joined.status !== 200) throw new Error(`${member.username} joining ${name}: ${joined.status} ${errorCode(joined.body) ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
