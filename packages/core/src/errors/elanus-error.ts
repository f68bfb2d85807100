import { type ErrorCode, ErrorNumber } from './codes.js';

/** The one error type Elanus throws. `code` is a Milvus error-code name; it survives the worker boundary. */
export class ElanusError extends Error {
  override readonly name = 'ElanusError';
  readonly code: ErrorCode;
  /** Milvus numeric status code. */
  readonly status: number;
  /** Optional structured details (parameter name, column, field...). */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.status = ErrorNumber[code] ?? 1;
    if (details !== undefined) this.details = details;
  }

  /** Plain data for structured cloning (worker boundary). */
  toJSON(): SerializedElanusError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
      stack: this.stack,
    };
  }

  static fromJSON(s: SerializedElanusError): ElanusError {
    const e = new ElanusError(s.code, s.message, s.details);
    if (s.stack) e.stack = s.stack;
    return e;
  }
}

export interface SerializedElanusError {
  name: 'ElanusError';
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> | undefined;
  stack?: string | undefined;
}

export function isElanusError(e: unknown): e is ElanusError {
  return e instanceof ElanusError;
}
