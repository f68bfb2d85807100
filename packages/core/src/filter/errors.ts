import { type ElanusError, elanusError } from '../errors/index.js';

const MAX_SHOWN = 200;

/**
 * The one way filter code rejects input: an `InvalidFilter` ElanusError whose message quotes the
 * expression, says what is wrong and where (1-based column), e.g.
 * ``cannot parse expression: `year >> 2`, bitwise operators are not supported (column 6)``.
 */
export function filterError(expr: string, reason: string, offset: number): ElanusError {
  const column = Math.max(0, Math.min(offset, expr.length)) + 1;
  const shown = expr.length > MAX_SHOWN ? `${expr.slice(0, MAX_SHOWN - 3)}...` : expr;
  return elanusError('invalidFilter', { expr: shown, reason, column }, { column });
}

/** `text_match` on a field the data source has no analyzer for (found when the filter is bound). */
export function textMatchUnavailable(field: string): ElanusError {
  return elanusError('textMatchUnavailable', { field }, { field });
}

/** `phrase_match` on a field the data source has no positional text index for (found when bound). */
export function phraseMatchUnavailable(field: string): ElanusError {
  return elanusError('phraseMatchUnavailable', { field }, { field });
}
