/**
 * Collects items and writes them `size` at a time. Writes run one after another
 * (in order), and `add` waits when a write is due, which bounds memory when the
 * database is slower than the producers.
 */
export class Batcher<T> {
  private buffer: T[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly size: number,
    private readonly write: (items: T[]) => Promise<void>,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  async add(item: T): Promise<void> {
    this.buffer.push(item);
    if (this.buffer.length >= this.size) await this.flush();
  }

  /** Writes whatever is buffered; resolves when it (and every earlier write) is done. */
  async flush(): Promise<void> {
    if (this.buffer.length > 0) {
      const items = this.buffer;
      this.buffer = [];
      this.chain = this.chain.then(() => this.write(items));
    }
    await this.chain;
  }
}
