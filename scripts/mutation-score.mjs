// `npm run mutation:score`: the mutation score of the whole core from the runs kept so far. A whole-core
// `npm run mutation` takes over an hour here, so the core is usually measured a few files at a time
// (`-- --mutate …`); scripts/mutation.mjs keeps each run's JSON report in reports/mutation/runs/. For
// every file of src/core this takes the kept runs that measured the file *as it is now* (the report
// stores the source it mutated; a run of an older source is skipped), each mutant's status from the
// newest of them, and prints one row per file and the total. Files with no such run are listed as unmeasured, never guessed. Tests only
// added since a run can only detect more, so a kept run's figure is a floor.
//
//   node scripts/mutation-score.mjs [more-report.json …]   (reports from another checkout)
//   node scripts/mutation-score.mjs --self-test            (CI: checks the adding-up on made-up runs)
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsDir = join(root, 'reports', 'mutation', 'runs');
// Files stryker.config.mjs leaves out (`!path`: a file of types only, no mutant).
const { default: config } = await import('../stryker.config.mjs');
const excluded = new Set(config.mutate.filter((p) => p.startsWith('!')).map((p) => p.slice(1)));

/** Every .ts file under src/core that Stryker mutates, sorted (the same order on every machine). */
const coreFiles = () =>
  readdirSync(join(root, 'src', 'core'), { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/core/${f.split('\\').join('/')}`)
    .filter((f) => !excluded.has(f))
    .sort();

const KEYS = ['killed', 'timeout', 'survived', 'noCoverage'];
const STATUS = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage' };

/** A mutant's identity across runs (Stryker numbers them per run): what it changes, where. */
const keyOf = (m) => {
  const { start, end } = m.location;
  return `${m.mutatorName}@${start.line}:${start.column}-${end.line}:${end.column}=${m.replacement ?? ''}`;
};

/**
 * Per file, every mutant any run of its current source made, each with its status in the newest such
 * run (runs of a few lines, `--mutate file:10-20`, add up with whole-file runs); the total; the files
 * no run has.
 */
function score(paths) {
  const reports = paths
    .map((path) => ({ path, time: statSync(path).mtimeMs, report: JSON.parse(readFileSync(path, 'utf8')) }))
    .sort((a, b) => b.time - a.time || (a.path < b.path ? -1 : 1)); // newest first
  const rows = [];
  const total = Object.fromEntries(KEYS.map((k) => [k, 0]));
  const unmeasured = [];
  for (const file of coreFiles()) {
    const source = readFileSync(join(root, file), 'utf8');
    const hits = reports.filter(({ report }) => report.files?.[file]?.source === source);
    if (!hits.length) {
      unmeasured.push(file);
      continue;
    }
    const status = new Map();
    for (const { report } of hits) for (const m of report.files[file].mutants) if (!status.has(keyOf(m))) status.set(keyOf(m), m.status);
    const count = Object.fromEntries(KEYS.map((k) => [k, 0]));
    for (const st of status.values()) if (STATUS[st]) count[STATUS[st]]++;
    for (const k of KEYS) total[k] += count[k];
    rows.push({ file, ...count, run: hits.map((h) => relative(root, h.path).split('/').pop()).join(' ') });
  }
  return { rows, total, unmeasured };
}

/** Detected (killed or timed out) over all that ran or had no test (Stryker's mutation score). */
const pct = (c) => {
  const valid = KEYS.reduce((n, k) => n + c[k], 0);
  return valid ? ((100 * (c.killed + c.timeout)) / valid).toFixed(1) : '–';
};

function print({ rows, total, unmeasured }) {
  const width = Math.max(...rows.map((r) => r.file.length), 5);
  const line = (name, c, run = '') =>
    `${name.padEnd(width)}  ${pct(c).padStart(5)}  ${String(c.killed).padStart(6)} ${String(c.timeout).padStart(7)} ${String(c.survived).padStart(8)} ${String(c.noCoverage).padStart(6)}  ${run}`.trimEnd();
  console.log(`${'file'.padEnd(width)}  score  killed timeout survived no-cov  run`);
  for (const r of rows) console.log(line(r.file, r, r.run));
  console.log(line('total', total));
  if (unmeasured.length) console.log(`\nNot measured as the files are now (npm run mutation -- --mutate …): ${unmeasured.join(', ')}`);
}

if (process.argv.includes('--self-test')) {
  // Made-up runs of the first core file: a whole-file run, a newer run of a few of its lines (its
  // statuses win for the mutants it made), and a still newer run of an older source (skipped); and a
  // run of the second file.
  const [a, b] = coreFiles();
  const dir = mkdtempSync(join(tmpdir(), 'mutation-score-'));
  const run = (name, files, time) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ schemaVersion: '2', files }));
    utimesSync(path, time, time);
    return path;
  };
  const src = (f) => readFileSync(join(root, f), 'utf8');
  /** Mutants on lines 1, 2, … with these statuses. */
  const mutants = (statuses, firstLine = 1) =>
    statuses.map((status, i) => ({
      id: String(i),
      mutatorName: 'BooleanLiteral',
      replacement: 'true',
      status,
      location: { start: { line: firstLine + i, column: 1 }, end: { line: firstLine + i, column: 5 } },
    }));
  const paths = [
    run('whole.json', { [a]: { source: src(a), mutants: mutants(['Killed', 'Killed', 'Timeout', 'Survived', 'CompileError']) } }, 1000),
    run('lines.json', { [a]: { source: src(a), mutants: mutants(['Killed'], 4) } }, 2000),
    run('stale.json', { [a]: { source: `${src(a)}// older\n`, mutants: mutants(['Survived', 'Survived']) } }, 4000),
    run('b.json', { [b]: { source: src(b), mutants: mutants(['Killed', 'NoCoverage', 'Ignored']) } }, 3000),
  ];
  const result = score(paths);
  rmSync(dir, { recursive: true, force: true });
  const expect = (what, actual, wanted) => {
    if (actual !== wanted) throw new Error(`mutation-score self-test: ${what} is ${actual}, expected ${wanted}`);
  };
  expect('rows', result.rows.map((r) => `${r.file}:${r.run}`).join(), `${a}:lines.json whole.json,${b}:b.json`);
  expect('first file', pct(result.rows[0]), '100.0');
  expect('total', pct(result.total), ((100 * 5) / 6).toFixed(1));
  expect('unmeasured', result.unmeasured.length, coreFiles().length - 2);
  expect('excluded', coreFiles().some((f) => excluded.has(f)), false);
  console.log(`mutation-score self-test: ok (${a}: a run of a few lines over a whole-file run; total ${pct(result.total)} %)`);
} else {
  const kept = existsSync(runsDir) ? readdirSync(runsDir).filter((f) => f.endsWith('.json')).map((f) => join(runsDir, f)) : [];
  print(score([...kept, ...process.argv.slice(2)]));
}
