import { ElanusError } from '@elanus/core';

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `array(${v.length})`;
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
};

/** Throws `ElanusError('IllegalArgument')` naming the parameter, what was expected and what came. */
export function invalidParam(name: string, expected: string, got: unknown): never {
  throw new ElanusError(
    'IllegalArgument',
    `invalid parameter ${name}: expected ${expected}, got ${show(got)}`,
    {
      param: name,
    },
  );
}
