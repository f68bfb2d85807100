/**
 * JSON for the REST transport. Milvus writes Int64 values as JSON numbers (or strings, depending on the
 * server's `Accept-Type-Allow-Int64` default); beyond 2^53 a plain JSON.parse would silently round them.
 * Browsers may not send that header (CORS allows only Authorization and Content-Type), so the response
 * text is read losslessly instead: integer literals outside the safe range become decimal strings.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/** Wraps integer literals (outside strings) that a double cannot hold exactly in quotes. */
export function quoteUnsafeIntegers(text: string): string {
  let out: string[] | undefined;
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
        else break;
      }
      // Only plain integers with 16+ digits can be unsafe; fractions and exponents are floats anyway.
      const digits = i - start - (c === 45 ? 1 : 0);
      if (digits >= 16) {
        const tok = text.slice(start, i);
        if (/^-?\d+$/.test(tok) && !Number.isSafeInteger(Number(tok))) {
          out ??= [];
          out.push(text.slice(last, start), '"', tok, '"');
          last = i;
        }
      }
      continue;
    }
    i++;
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}

/**
 * JSON.stringify that writes bigints as bare integer literals (Int64 values beyond 2^53) and typed
 * arrays as arrays. Undefined object members are dropped, as JSON.stringify does.
 */
export function stringifyJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(v: unknown, out: string[]): void {
  if (v === null || v === undefined) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'bigint':
      out.push(v.toString());
      return;
    case 'number':
      out.push(Number.isFinite(v) ? String(v) : 'null');
      return;
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const arr = v as ArrayLike<unknown>;
    out.push('[');
    for (let i = 0; i < arr.length; i++) {
      if (i) out.push(',');
      write(arr[i], out);
    }
    out.push(']');
    return;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    write((v as { toJSON: () => unknown }).toJSON(), out);
    return;
  }
  out.push('{');
  let first = true;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined || typeof x === 'function') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    write(x, out);
  }
  out.push('}');
}
