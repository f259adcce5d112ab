/** A buffered synchronous file writer, so a report of any length streams out with flat memory. */
import fs from 'node:fs';

export class Sink {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w', 0o640);
  }

  write(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size > 64 * 1024) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    fs.writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** A canonical value as text for a cell: strings as they are, everything else as JSON, null empty. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
