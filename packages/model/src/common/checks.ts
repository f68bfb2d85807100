/**
 * Argument checks shared by every embedding function and reranker (local and API), so that a bad
 * option gets the same `IllegalArgument` message, in core's format, whichever class it was given to.
 */
import { ElanusError } from '@elanus/core';

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}

/** An `IllegalArgument` error naming the parameter, what was expected and what came (core's message format). */
export function invalidParam(name: string, expected: string, got: unknown): ElanusError {
  return new ElanusError(
    'IllegalArgument',
    `invalid parameter ${name}: expected ${expected}, got ${describe(got)}`,
    {
      param: name,
    },
  );
}

export const isPositiveInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0;

/** A constructor's options argument: an object (JavaScript callers can pass anything). */
export function checkOptionsObject(options: unknown): void {
  if (typeof options !== 'object' || options === null) throw invalidParam('options', 'an object', options);
}

export function checkModelName(model_name: unknown): void {
  if (typeof model_name !== 'string' || model_name.trim() === '') {
    throw invalidParam('model_name', 'a non-empty string', model_name);
  }
}

export function checkString(name: string, v: unknown): void {
  if (typeof v !== 'string') throw invalidParam(name, 'a string', v);
}

export function checkBoolean(name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw invalidParam(name, 'a boolean', v);
}

export function checkPositiveInt(name: string, v: unknown): void {
  if (!isPositiveInt(v)) throw invalidParam(name, 'a positive integer', v);
}

/** Token limits: room is needed for the special tokens around the text(s). */
export function checkIntAtLeast(name: string, v: unknown, min: number): void {
  if (!(isPositiveInt(v) && v >= min)) throw invalidParam(name, `an integer of at least ${min}`, v);
}

export function checkOneOf<T>(name: string, v: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(v as T)) throw invalidParam(name, `one of ${allowed.join(', ')}`, v);
}

/** API batch sizes are capped by the vendor, and the message says so. */
export function checkApiBatchSize(batch_size: unknown, maxBatch: number, provider: string): void {
  if (!isPositiveInt(batch_size) || batch_size > maxBatch) {
    throw invalidParam('batch_size', `an integer from 1 to ${maxBatch} (the ${provider} limit)`, batch_size);
  }
}

/** Checks a list of texts; returns it typed. */
export function checkTexts(texts: unknown, param: string): string[] {
  if (!Array.isArray(texts)) throw invalidParam(param, 'an array of strings', texts);
  if (texts.length === 0) throw invalidParam(param, 'a non-empty array of strings', texts);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') throw invalidParam(`${param}[${i}]`, 'a string', texts[i]);
  }
  return texts as string[];
}
