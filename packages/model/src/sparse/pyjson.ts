/**
 * Python `json.dump(obj, f)` output (default settings) for the value shapes BM25 params use,
 * so a params file written by Elanus is byte-for-byte what pymilvus writes: `", "` / `": "`
 * separators, `ensure_ascii` escapes and Python's float `repr`.
 */

/** A number that Python holds as a float (printed `1.0`, `1e-05`), as opposed to an int. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyJson = string | number | PyFloat | boolean | null | PyJson[] | { [key: string]: PyJson };

/** Python's `repr(float)`: shortest round-trip digits; exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip.
  const [mant = '', expStr = '0'] = Math.abs(x).toExponential().split('e');
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};
// Python escapes everything outside printable ASCII (space..tilde) with ensure_ascii=True.
const NEEDS_ESCAPE = /["\\]|[^ -~]/g;

/** Python's `json.dumps(s)` for a string (ensure_ascii): lower-case `\uXXXX`, UTF-16 units. */
export function pyJsonString(s: string): string {
  return `"${s.replace(NEEDS_ESCAPE, (c) => SIMPLE_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Python's `json.dumps(value)` with default options. */
export function pyJsonDumps(v: PyJson): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return pyJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyJsonString(k)}: ${pyJsonDumps(x)}`)
    .join(', ')}}`;
}
