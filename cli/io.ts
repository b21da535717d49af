/**
 * Where command output goes. Commands write through this instead of `process.stdout`, so
 * tests can capture it and so "is this a terminal?" is decided once.
 */
import { styleText } from 'node:util';

export interface Stream {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width and height when a TTY. */
  columns?: number;
  rows?: number;
}

export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  /** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
  color: boolean;
}

export function processIo(): Io {
  const wrap = (s: NodeJS.WriteStream): Stream => ({
    write: (text) => void s.write(text),
    get isTTY() {
      return s.isTTY === true;
    },
    get columns() {
      return s.columns;
    },
    get rows() {
      return s.rows;
    },
  });
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return { stdout: wrap(process.stdout), stderr: wrap(process.stderr), env: process.env, color };
}

type Style = 'green' | 'red' | 'yellow' | 'gray' | 'bold' | 'cyan';

/** Colour `text` when the Io allows it; plain otherwise (pipes, files, NO_COLOR). */
export function paint(io: Pick<Io, 'color'>, style: Style, text: string): string {
  return io.color ? styleText(style, text) : text;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
