// `npm run sri`: the Subresource Integrity hash of the built drop-in file
// (dist/green-qr-scan.bundled.js), for `<script type="module" src="…" integrity="…" crossorigin="anonymous">`.
//
//   npm run sri                 prints `sha384-…` (run `npm run build` first)
//   npm run sri -- --check      every CDN address of the drop-in file in README.md and
//                               examples/html/index.html pins package.json's exact version, and every
//                               <script> that loads it carries this hash and crossorigin="anonymous"
//   npm run sri -- --write      updates those versions and hashes in place
//
// The hash is of this build: the file a release publishes from the same commit has the same bytes
// (the build is deterministic), so the README's hash is the published file's. CI runs --check after
// the build, and scripts/readme-snippets.mjs loads the README's pages in Chromium, which refuses a
// script whose bytes do not match its `integrity`.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FILE = 'dist/green-qr-scan.bundled.js';
const DOCS = ['README.md', 'examples/html/index.html'];
/** A CDN address of the drop-in file: jsDelivr or unpkg, any version (or none). */
const CDN_URL = /https:\/\/(?:cdn\.jsdelivr\.net\/npm|unpkg\.com)\/green-qr-scan(?:@([^/\s"'`]*))?\/dist\/green-qr-scan\.bundled\.js/g;

/** `sha384-<base64>` of `bytes`. */
export const sriHash = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/** The hash of the built drop-in file; throws when it is not built. */
export function builtHash() {
  const path = join(root, FILE);
  if (!existsSync(path)) throw new Error(`${FILE} is missing: run npm run build first`);
  return sriHash(readFileSync(path));
}

/** Problems in `text` (file `name`), and the text with versions and hashes set right. */
export function audit(name, text, version, hash) {
  const problems = [];
  const lineOf = (index) => text.slice(0, index).split('\n').length;
  for (const match of text.matchAll(CDN_URL)) {
    if (match[1] !== version) problems.push(`${name}:${lineOf(match.index)}: ${match[0]} does not pin the exact version ${version}`);
  }
  for (const tag of text.matchAll(/<script\b[^>]*>/g)) {
    if (!new RegExp(CDN_URL.source).test(tag[0])) continue;
    const integrity = /\sintegrity="([^"]*)"/.exec(tag[0])?.[1];
    if (integrity !== hash) problems.push(`${name}:${lineOf(tag.index)}: integrity="${integrity ?? ''}" is not ${hash}, the hash of ${FILE}`);
    if (!/\scrossorigin="anonymous"/.test(tag[0])) problems.push(`${name}:${lineOf(tag.index)}: a <script> with integrity needs crossorigin="anonymous"`);
  }
  const fixed = text
    .replace(CDN_URL, (url) => url.replace(/green-qr-scan(@[^/]*)?\/dist/, `green-qr-scan@${version}/dist`))
    .replace(/<script\b[^>]*>/g, (tag) => {
      if (!new RegExp(CDN_URL.source).test(tag)) return tag;
      let out = /\sintegrity="[^"]*"/.test(tag) ? tag.replace(/\sintegrity="[^"]*"/, ` integrity="${hash}"`) : tag.replace(/>$/, ` integrity="${hash}">`);
      if (!/\scrossorigin="anonymous"/.test(out)) out = out.replace(/\scrossorigin(="[^"]*")?/, '').replace(/>$/, ' crossorigin="anonymous">');
      return out;
    });
  return { problems, fixed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let hash;
  try {
    hash = builtHash();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const mode = process.argv.includes('--write') ? 'write' : process.argv.includes('--check') ? 'check' : 'print';
  if (mode === 'print') {
    console.log(hash);
  } else {
    const problems = [];
    for (const name of DOCS.filter((d) => existsSync(join(root, d)))) {
      const text = readFileSync(join(root, name), 'utf8');
      const result = audit(name, text, version, hash);
      if (mode === 'write' && result.fixed !== text) {
        writeFileSync(join(root, name), result.fixed);
        console.log(`updated ${name}`);
      } else problems.push(...result.problems);
    }
    if (problems.length) {
      console.error(`${problems.join('\n')}\nThe CDN snippets are stale: run \`npm run build && npm run sri -- --write\` and commit.`);
      process.exit(1);
    }
    console.log(`${hash} (${FILE}, green-qr-scan@${version}): ${mode === 'write' ? 'written to' : 'matches'} every CDN snippet in ${DOCS.join(', ')}`);
  }
}
