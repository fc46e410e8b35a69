// `npm run check-generated`: the generated files come out byte for byte the same on any machine.
// Copies the project's files (git's list: tracked plus untracked-but-not-ignored) into a scratch
// directory, laid down so that each directory lists its entries in the REVERSE of this checkout's
// listing order (created in reverse, or in order on tmpfs, which lists the newest entry first),
// links node_modules, and runs `npm run analyze` there twice:
//   1. TZ=Pacific/Chatham, LANG/LC_ALL=tr_TR.UTF-8 (odd offset; Turkish case rules);
//   2. TZ=America/St_Johns, LANG/LC_ALL=ja_JP.UTF-8, and every readdir of every Node process
//      reversed (a preload), so the order differs even on a file system that sorts its listings.
// Each run's custom-elements.json, README.md (its API block), dist/vscode.html-custom-data.json and
// dist/web-types.json must equal this checkout's byte for byte: the first two as committed, the
// dist/ files as `node scripts/manifest-docs.mjs --dist` writes them here (dist/ is not committed).
// Exits non-zero with the first differing line of each file that differs.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, opendirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const GENERATED = ['custom-elements.json', 'README.md', 'dist/vscode.html-custom-data.json', 'dist/web-types.json'];
const byPath = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The project's files, relative paths with `/`. */
function projectFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter((f) => f && existsSync(join(root, f)) && statSync(join(root, f)).isFile());
  } catch {
    // Not a git checkout (e.g. an unpacked archive): everything but the installed and built trees.
    const skip = new Set(['node_modules', 'dist', '.git', 'coverage']);
    const walk = (dir) =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const path = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) return skip.has(e.name) || e.name === 'node_modules' ? [] : walk(path);
        return e.isFile() ? [path] : [];
      });
    return walk('');
  }
}

/**
 * A directory's entries in the file system's own order. (fs.readdir sorts: libuv's scandir does;
 * fs.opendir does not.)
 */
function rawListing(dir) {
  const handle = opendirSync(dir);
  const names = [];
  try {
    for (let entry; (entry = handle.readSync()); ) names.push(entry.name);
  } finally {
    handle.closeSync();
  }
  return names;
}

function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n      here:       ${JSON.stringify(a[i] ?? '(end of file)').slice(0, 200)}\n      regenerated: ${JSON.stringify(b[i] ?? '(end of file)').slice(0, 200)}`;
  }
  return 'the bytes differ (line endings or encoding)';
}

// tmpfs (/dev/shm) when there is one: its listing order (newest first) can be steered.
const scratchBase = (() => {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    /* none */
  }
  return tmpdir();
})();
const scratch = mkdtempSync(join(scratchBase, 'green-qr-scan-generated-'));
const copy = join(scratch, 'project');
let failures = 0;
try {
  // The baseline: the dist/ files as generated here from the committed manifest.
  execFileSync(process.execPath, ['scripts/manifest-docs.mjs', '--dist'], { cwd: root, stdio: 'ignore' });
  const expected = new Map(GENERATED.map((f) => [f, readFileSync(join(root, f))]));

  // Lay the copy down so that every directory lists its entries in the reverse of this checkout's
  // order (an ext4 checkout lists in hash order, which differs per file system; tmpfs lists the
  // newest entry first; others list in creation order): probe the scratch file system, then
  // create each directory's entries in the order that makes its listing come out reversed.
  const files = projectFiles();
  const probe = join(scratch, 'probe');
  mkdirSync(probe);
  for (const name of ['a', 'b', 'c']) writeFileSync(join(probe, name), '');
  const listed = rawListing(probe).join('');
  rmSync(probe, { recursive: true });
  const fsOrder = listed === 'abc' ? 'creation order' : listed === 'cba' ? 'newest first' : 'its own order (hashed)';
  const wanted = new Set(files.flatMap((f) => f.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const layDown = (dir) => {
    const here = rawListing(join(root, dir || '.')).filter((name) => wanted.has(dir ? `${dir}/${name}` : name));
    // Listing wanted: reversed. Creation order → create reversed; newest first → create as listed;
    // hashed → no control: create in reverse code-unit order.
    const order = fsOrder === 'newest first' ? here : fsOrder === 'creation order' ? [...here].reverse() : [...here].sort(byPath).reverse();
    for (const name of order) {
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) {
        mkdirSync(join(copy, path));
        layDown(path);
      } else copyFileSync(join(root, path), join(copy, path));
    }
  };
  mkdirSync(copy);
  layDown('');
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const dirs = [...wanted].filter((d) => statSync(join(root, d)).isDirectory());
  const several = dirs.filter((d) => rawListing(join(copy, d)).length > 1);
  const reversed = several.filter((d) => {
    const here = rawListing(join(root, d)).filter((name) => wanted.has(`${d}/${name}`));
    return rawListing(join(copy, d)).join('/') === [...here].reverse().join('/');
  });
  const sample = 'src/core';
  console.log(
    `copied ${files.length} files; the scratch file system lists ${fsOrder}; ${reversed.length} of the ${several.length} directories with several entries list them in the reverse of this checkout's order` +
      (existsSync(join(copy, sample)) ? ` (${sample}: ${rawListing(join(root, sample)).join(', ')} here; ${rawListing(join(copy, sample)).join(', ')} there)` : ''),
  );

  const preload = join(scratch, 'reverse-readdir.mjs');
  const preloadLog = join(scratch, 'reverse-readdir.log');
  writeFileSync(
    preload,
    `// Reverses every directory listing of this process (loaded with --import by check-generated.mjs).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
let reversed = 0;
const rev = (list) => (Array.isArray(list) && list.length > 1 ? (reversed++, list.reverse()) : list);
const { readdir, readdirSync } = fs;
const readdirPromise = fs.promises.readdir;
fs.readdirSync = (...args) => rev(readdirSync(...args));
fs.readdir = (path, options, callback) => {
  if (typeof options === 'function') [options, callback] = [undefined, options];
  return readdir(path, options, (error, list) => callback(error, rev(list)));
};
fs.promises.readdir = async (...args) => rev(await readdirPromise(...args));
syncBuiltinESMExports();
process.on('exit', () => fs.appendFileSync(${JSON.stringify(preloadLog)}, reversed + '\\n'));
`,
  );

  const runs = [
    { name: 'reverse-laid copy, TZ=Pacific/Chatham, tr_TR.UTF-8', env: { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' } },
    {
      name: 'every readdir reversed, TZ=America/St_Johns, ja_JP.UTF-8',
      env: { TZ: 'America/St_Johns', LANG: 'ja_JP.UTF-8', LC_ALL: 'ja_JP.UTF-8', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(preload).href}`.trim() },
    },
  ];
  for (const run of runs) {
    for (const f of GENERATED.filter((f) => f.startsWith('dist/'))) rmSync(join(copy, f), { force: true });
    const result = spawnSync('npm', ['run', '-s', 'analyze'], { cwd: copy, env: { ...process.env, ...run.env }, encoding: 'utf8' });
    if (result.status !== 0) {
      failures++;
      console.log(`FAIL npm run analyze (${run.name}) exited ${result.status}:\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-20).join('\n')}`);
      continue;
    }
    let note = '';
    if (run.env.NODE_OPTIONS) {
      const counts = existsSync(preloadLog) ? readFileSync(preloadLog, 'utf8').trim().split('\n').map(Number) : [];
      const total = counts.reduce((a, b) => a + b, 0);
      if (!total) {
        failures++;
        console.log(`FAIL the readdir-reversing preload did not run (${run.name})`);
        continue;
      }
      note = ` (${total} listings reversed in ${counts.length} processes)`;
    }
    const differing = GENERATED.filter((f) => !existsSync(join(copy, f)) || !readFileSync(join(copy, f)).equals(expected.get(f)));
    if (differing.length) {
      failures++;
      console.log(`FAIL ${run.name}${note}: regenerated files differ from this checkout's:`);
      for (const f of differing) {
        const actual = existsSync(join(copy, f)) ? readFileSync(join(copy, f), 'utf8') : '(missing)';
        console.log(`  ${f} ${firstDifference(expected.get(f).toString('utf8'), actual)}`);
      }
    } else {
      console.log(`ok   ${run.name}${note}: ${GENERATED.join(', ')} identical`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (failures) {
  console.error(
    `check-generated: generated files are not deterministic, or not up to date. Run 'npm run analyze' and commit custom-elements.json and README.md; if they were current, something in the generators depends on directory order, locale or time zone (see ${relative(root, fileURLToPath(import.meta.url)).split(sep).join('/')}).`,
  );
  process.exit(1);
}
console.log('check-generated: custom-elements.json, the README API block and the editor data are deterministic');
