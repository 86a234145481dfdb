/**
 * A stand-in for a TTY stderr: a Writable that ora accepts as a terminal (isTTY, columns, cursor methods)
 * and that keeps a virtual screen, so a test can assert on what a person would actually see after ora's
 * redraws, next to the raw bytes (for colour checks).
 */
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';

export class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 200;
  /** Every chunk written, escape codes included. */
  raw = '';
  private readonly lines: string[] = [''];
  private row = 0;
  private col = 0;

  constructor() {
    // decodeStrings: false keeps chunks as the strings ora wrote.
    super({ decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = String(chunk);
    this.raw += text;
    this.print(stripVTControlCharacters(text));
    callback();
  }

  cursorTo(x: number): boolean {
    this.col = x;
    return true;
  }

  moveCursor(dx: number, dy: number): boolean {
    this.col = Math.max(0, this.col + dx);
    this.row = Math.max(0, this.row + dy);
    return true;
  }

  /** dir 1: from the cursor to the end of the line (what ora uses); otherwise the whole line. */
  clearLine(dir: -1 | 0 | 1): boolean {
    const line = this.lines[this.row] ?? '';
    this.lines[this.row] = dir === 1 ? line.slice(0, this.col) : '';
    return true;
  }

  /** The screen as text, trailing blanks dropped. */
  screen(): string {
    return this.lines
      .map((line) => line.trimEnd())
      .join('\n')
      .trimEnd();
  }

  private print(text: string): void {
    for (const char of text) {
      if (char === '\n') {
        this.row += 1;
        this.col = 0;
        while (this.lines.length <= this.row) this.lines.push('');
        continue;
      }
      const line = (this.lines[this.row] ?? '').padEnd(this.col);
      this.lines[this.row] = line.slice(0, this.col) + char + line.slice(this.col + 1);
      this.col += 1;
    }
  }
}

/** A non-TTY stream (a pipe or a CI log) that keeps what was written. */
export class CapturedStream extends Writable {
  text = '';

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += String(chunk);
    callback();
  }
}
