import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const PRODUCE = 0;

/**
 * A TCP proxy between kafkajs and a real broker that can lose one produce answer, the way
 * a broker killed right after writing a batch does: the request reaches the broker (the
 * records are in its log), the answer never reaches the client, the connection breaks and
 * new connections are refused until `heal()`. Every broker address the client learns from
 * metadata is sent through the proxy by the socket factory, so nothing bypasses it.
 */
export class KafkaFaultProxy {
  private readonly server = net.createServer((client) => this.accept(client));
  private readonly open = new Set<net.Socket>();
  private target: { host: string; port: number } | null = null;
  private armed = false;
  private refusing = false;
  /** Hung: connections stay open and nothing moves either way, as with a SIGSTOPped broker. */
  private hung = false;
  private readonly stalled: (() => void)[] = [];
  /** Each open connection's switch for `freezeOpenConnections`. */
  private readonly links = new Set<{ frozen: boolean }>();
  /** Correlation ids (per connection) of produce requests forwarded while armed. */
  swallowed = 0;

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** kafkajs's socketFactory: whatever broker it asks for, it gets the proxy (single-broker tests). */
  socketFactory(broker: string): ISocketFactory {
    const [host, port] = broker.split(':');
    this.target = { host: host!, port: Number(port) };
    const proxyPort = (this.server.address() as net.AddressInfo).port;
    return ({ onConnect }) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxyPort }, onConnect);
      socket.setKeepAlive(true, 60_000);
      socket.setNoDelay(true);
      return socket;
    };
  }

  /** The next produce request is written to the broker and its answer lost; then the link is down. */
  loseNextProduceAnswer(): void {
    this.armed = true;
  }

  /** Nothing more is forwarded, in either direction, until `heal()`; what arrives meanwhile then goes through. */
  hang(): void {
    this.hung = true;
  }

  /**
   * The connections open now go silent for good, both ways, while new ones work: a peer gone
   * without closing its sockets (no FIN, no RST), as after a VM stall or a lost NAT entry. The
   * client's sockets still look connected; only a new connection reaches the broker.
   */
  freezeOpenConnections(): void {
    for (const link of this.links) link.frozen = true;
  }

  heal(): void {
    this.refusing = false;
    this.hung = false;
    for (const forward of this.stalled.splice(0)) forward();
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing || !this.target) {
      client.destroy();
      return;
    }
    const broker = net.connect(this.target);
    this.open.add(client).add(broker);
    const link = { frozen: false };
    this.links.add(link);
    const cut = () => {
      client.destroy();
      broker.destroy();
      this.open.delete(client);
      this.open.delete(broker);
      this.links.delete(link);
    };
    client.on('error', cut).on('close', cut);
    broker.on('error', cut).on('close', cut);
    let swallowId: number | null = null;
    const forward = (to: net.Socket, frame: Buffer) => {
      if (link.frozen) return;
      if (this.hung) this.stalled.push(() => to.write(frame));
      else to.write(frame);
    };
    frames(client, (frame) => {
      if (this.armed && frame.readInt16BE(4) === PRODUCE) {
        this.armed = false;
        this.refusing = true;
        swallowId = frame.readInt32BE(8);
        this.swallowed += 1;
      }
      forward(broker, frame);
    });
    frames(broker, (frame) => {
      if (swallowId !== null && frame.readInt32BE(4) === swallowId) {
        // The broker has written the batch; the client must never hear so. Break the link.
        cut();
        return;
      }
      forward(client, frame);
    });
  }
}

/** Calls `onFrame` with each whole size-prefixed Kafka frame read from the socket. */
function frames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0) + 4;
      if (buffered.length < size) break;
      onFrame(buffered.subarray(0, size));
      buffered = buffered.subarray(size);
    }
  });
}
