import type { ServerErrorResponse, ServerWritableStream } from '@grpc/grpc-js';

/**
 * The sending side of a server-streaming call, with back-pressure and cancellation.
 * `send` resolves once the message may be followed by another: immediately while grpc-js
 * buffers, after 'drain' when it does not. Every loop that sends checks `closed` after each
 * `send`, so a cancelled call stops all work for it.
 */
export class CallOutput<Request> {
  private finished = false;
  private readonly closeWaiters = new Set<() => void>();

  constructor(private readonly call: ServerWritableStream<Request, unknown>) {
    const close = () => {
      this.finished = true;
      for (const wake of [...this.closeWaiters]) wake();
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    call.on('finish', close);
  }

  /** True once the client cancelled or the call ended: stop producing. */
  get closed(): boolean {
    return this.finished || this.call.cancelled;
  }

  send(message: unknown): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.call.write(message)) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.closeWaiters.delete(done);
        resolve();
      };
      this.call.on('drain', done);
      this.closeWaiters.add(done);
    });
  }

  /** Resolves when `wake` is called or the call closes, whichever is first. */
  waitFor(register: (wake: () => void) => () => void): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        unregister();
        this.closeWaiters.delete(done);
        resolve();
      };
      const unregister = register(done);
      this.closeWaiters.add(done);
    });
  }

  end(): void {
    if (!this.closed) this.call.end();
  }

  fail(error: ServerErrorResponse): void {
    if (!this.closed) this.call.emit('error', error);
  }
}
