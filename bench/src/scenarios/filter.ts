import { compareRates, judgedRatio, ratioText } from '../lib/compare.js';
import { compileFilter, DataType } from '../lib/elanus.js';
import { Rng } from '../lib/rng.js';
import { round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

type DT = (typeof DataType)[keyof typeof DataType];

function field(name: string, data_type: DT, extra: Record<string, unknown> = {}) {
  return {
    name,
    description: '',
    data_type,
    is_primary_key: name === 'id',
    autoID: false,
    nullable: false,
    is_partition_key: false,
    is_function_output: false,
    enable_analyzer: false,
    enable_match: false,
    ...extra,
  };
}

const TAGS = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'purple', 'orange'];

/** Filter evaluation (rows/s) over 1,000,000 rows of typed columns, against a hand-written loop. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('filter', 'Filter evaluation', ctx.runtime);
  const n = ctx.quick ? 100_000 : 1_000_000;
  const rounds = ctx.quick ? 3 : 11;
  const rng = new Rng(21);
  const cat = new Int32Array(n);
  const price = new Float32Array(n);
  const year = new Int16Array(n);
  const tagIdx = new Uint8Array(n);
  const tag = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    cat[i] = rng.int(10);
    price[i] = Math.floor(rng.float() * 100000) / 100;
    year[i] = 1900 + rng.int(125);
    tagIdx[i] = rng.int(TAGS.length);
    tag[i] = TAGS[tagIdx[i]!]!;
  }
  const schema = {
    name: 'f',
    description: '',
    functions: [],
    enable_dynamic_field: false,
    fields: [
      field('id', DataType.Int64),
      field('cat', DataType.Int32),
      field('price', DataType.Float),
      field('year', DataType.Int16),
      field('tag', DataType.VarChar, { max_length: 16 }),
    ],
  };
  const views: Record<string, unknown> = {
    cat: { kind: 'number', values: cat },
    price: { kind: 'number', values: price },
    year: { kind: 'number', values: year },
    tag: { kind: 'string', values: tag },
  };
  const source = {
    rowCount: n,
    column: (f: string) => views[f] as never,
    dynamic: () => undefined,
  };
  res.params = { rows: n, rounds };
  res.dataset = `${n.toLocaleString('en-US')} rows: cat Int32 uniform 0–9, price Float uniform 0–1000, year Int16 uniform 1900–2024, tag VarChar one of ${TAGS.length}`;

  const cases = [
    {
      expr: 'cat in [1, 3, 5, 7] and price < 250.5 and year >= 2000',
      hand: (w: Uint32Array) => {
        for (let i = 0; i < n; i++) {
          const c = cat[i]!;
          if ((c === 1 || c === 3 || c === 5 || c === 7) && price[i]! < 250.5 && year[i]! >= 2000) {
            w[i >>> 5]! |= 1 << (i & 31);
          }
        }
      },
    },
    {
      expr: '(tag == "red" or tag == "blue") and price >= 100.0 and year != 1999',
      hand: (w: Uint32Array) => {
        for (let i = 0; i < n; i++) {
          const t = tag[i]!;
          if ((t === 'red' || t === 'blue') && price[i]! >= 100 && year[i] !== 1999)
            w[i >>> 5]! |= 1 << (i & 31);
        }
      },
    },
  ];
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const compiled = compileFilter(c.expr, schema as never);
    const words = new Uint32Array((n + 31) >>> 5);
    const handRun = () => {
      words.fill(0);
      c.hand(words);
    };
    handRun();
    let handCount = 0;
    for (const w of words) {
      let x = w;
      while (x) {
        x &= x - 1;
        handCount++;
      }
    }
    const bits = compiled.evaluate(source);
    if (bits.count() !== handCount) res.notes.push(`MISMATCH on ${c.expr}: ${bits.count()} vs ${handCount}`);
    const cmp = await compareRates(
      `\`${c.expr}\``,
      'rows/s',
      [
        { name: 'Elanus compileFilter → evaluate', work: n, run: () => compiled.evaluate(source) },
        { name: 'hand-written JS loop', work: n, run: handRun },
      ],
      rounds,
    );
    res.comparisons.push(cmp);
    const e = cmp.sides[0]!;
    rows.push([
      `\`${c.expr}\``,
      round((100 * handCount) / n, 3),
      round(e.cpuMedian ?? e.median, 4),
      ratioText(cmp, 'Elanus compileFilter → evaluate', 'hand-written JS loop'),
    ]);
    res.headline.push({
      label: `Filter over ${n / 1e6}M rows, \`${c.expr}\`: Elanus ÷ hand-written loop (rows/s)`,
      value: ratioText(cmp, 'Elanus compileFilter → evaluate', 'hand-written JS loop'),
    });
    if (c === cases[0]) {
      res.targets.push({
        id: 'filter-rows',
        text: 'Filter evaluation of a 3-clause numeric expression over 1,000,000 rows (reported, no target)',
        met: null,
        value: `${round((e.cpuMedian ?? e.median) / 1e6, 3)} M rows/s; ${round(judgedRatio(cmp, e.name, 'hand-written JS loop'), 3)}× a hand-written loop`,
      });
    }
  }
  res.tables.push({
    title: `Filter evaluation over ${n.toLocaleString('en-US')} rows (bitset out)`,
    columns: ['expression', '% rows passing', 'Elanus rows/s', '× hand-written loop'],
    rows,
    note: 'rows/s from CPU time where measured (Node), else wall time.',
  });
  return res;
}
