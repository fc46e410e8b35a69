// Everything generated from custom-elements.json (the one source of the public API):
//   dist/vscode.html-custom-data.json  VS Code custom HTML data (`html.customData`)
//   dist/web-types.json                JetBrains web-types
//   README.md, between the "api reference" markers: the API reference tables
// `node scripts/manifest-docs.mjs` writes them (`--dist`: only the dist/ files, as `npm run build`
// does); `--check` fails when README.md is out of date.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const manifest = JSON.parse(read('custom-elements.json'));
const pkg = JSON.parse(read('package.json'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.customElement && d.tagName);
if (!element) throw new Error('custom-elements.json has no custom element');

const oneLine = (text = '') => text.replace(/\s*\n\s*/g, ' ').trim();
const cell = (text = '') => oneLine(text).replace(/\|/g, '\\|');
const code = (text) => (text ? `\`${oneLine(text).replace(/\|/g, '\\|')}\`` : '');
const members = (element.members ?? []).filter((m) => m.privacy !== 'private' && m.privacy !== 'protected' && !m.static && !m.name.startsWith('#'));
const fields = members.filter((m) => m.kind === 'field');
const methods = members.filter((m) => m.kind === 'method');
const attributes = element.attributes ?? [];
// A default written as a constant's name (e.g. `DEFAULT_API_URL`) is shown as the constant's value,
// taken from the manifest's own variable declarations; an unknown name fails the build.
const variables = new Map(
  manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.kind === 'variable' && d.default !== undefined).map((d) => [d.name, d.default]),
);
const resolveDefault = (value, where) => {
  if (value === undefined || !/^[A-Za-z_$][\w$]*$/.test(value) || ['undefined', 'null', 'true', 'false', 'NaN', 'Infinity'].includes(value)) return value;
  if (!variables.has(value)) throw new Error(`${where}: its default ${value} is a name that custom-elements.json does not declare; use a literal or a documented constant`);
  return resolveDefault(variables.get(value), where);
};
for (const member of element.members ?? []) if (member.default !== undefined) member.default = resolveDefault(member.default, `${element.tagName} property ${member.name}`);
for (const attribute of element.attributes ?? []) if (attribute.default !== undefined) attribute.default = resolveDefault(attribute.default, `${element.tagName} attribute ${attribute.name}`);
const enumValues = (type = '') => {
  const values = [...type.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  return values.length && /^('[^']+'\s*\|\s*)*'[^']+'$/.test(type.trim()) ? values : [];
};

// --- VS Code custom data ---------------------------------------------------------------------
const vscode = {
  $schema: 'https://raw.githubusercontent.com/microsoft/vscode-html-languageservice/main/docs/customData.schema.json',
  version: 1.1,
  tags: [
    {
      name: element.tagName,
      description: `${oneLine(element.description)}\n\nEvents: ${(element.events ?? []).map((e) => `\`${e.name}\``).join(', ')}.`,
      attributes: attributes.map((a) => {
        const values = enumValues(a.type?.text);
        return {
          name: a.name,
          description: oneLine(a.description),
          ...(values.length ? { values: values.map((name) => ({ name })) } : a.type?.text === 'boolean' ? { valueSet: 'v' } : {}),
        };
      }),
      references: [{ name: 'README', url: pkg.homepage }],
    },
  ],
};

// --- JetBrains web-types ---------------------------------------------------------------------
const webTypes = {
  $schema: 'https://json.schemastore.org/web-types',
  name: pkg.name,
  version: pkg.version,
  'description-markup': 'markdown',
  contributions: {
    html: {
      elements: [
        {
          name: element.tagName,
          description: oneLine(element.description),
          'doc-url': pkg.homepage,
          attributes: attributes.map((a) => ({
            name: a.name,
            description: oneLine(a.description),
            value: { type: a.type?.text ?? 'string', ...(a.default ? { default: a.default } : {}) },
          })),
          events: (element.events ?? []).map((e) => ({ name: e.name, description: oneLine(e.description) })),
          slots: (element.slots ?? []).map((s) => ({ name: s.name, description: oneLine(s.description) })),
          js: {
            properties: fields.map((f) => ({ name: f.name, description: oneLine(f.description), type: f.type?.text })),
            events: (element.events ?? []).map((e) => ({ name: e.name, description: oneLine(e.description) })),
          },
        },
      ],
    },
    css: {
      properties: (element.cssProperties ?? []).map((p) => ({ name: p.name, description: oneLine(p.description) })),
      parts: (element.cssParts ?? []).map((p) => ({ name: p.name, description: oneLine(p.description) })),
    },
  },
};

// --- README API reference --------------------------------------------------------------------
// An attribute belongs to the field it names (`fieldName`); a read-only field's attribute without
// one (`@attr state`, reflected for CSS) is the field's own, marked "(reflected)", not an input.
const attributeOf = (field) =>
  attributes.find((a) => a.fieldName === field.name) ?? (field.readonly ? attributes.find((a) => !a.fieldName && a.name === field.name) : undefined);
const unmatched = attributes.filter((a) => !fields.some((f) => attributeOf(f) === a));
const lines = [
  `Generated from \`custom-elements.json\` by \`node scripts/manifest-docs.mjs\` (CI checks it is current).`,
  '',
  '#### Attributes and properties',
  '',
  '| attribute | property | type | default | description |',
  '| --- | --- | --- | --- | --- |',
  ...fields.map((f) => {
    const attribute = attributeOf(f);
    const readonly = f.readonly ? ' (read-only)' : '';
    const name = attribute ? `${code(attribute.name)}${f.readonly ? ' (reflected)' : ''}` : '';
    return `| ${name} | ${code(f.name)}${readonly} | ${code(f.type?.text)} | ${code(f.default)} | ${cell(f.description)} |`;
  }),
  ...unmatched.map((a) => `| ${code(a.name)} |  | ${code(a.type?.text)} | ${code(a.default)} | ${cell(a.description)} |`),
  '',
  '#### Methods',
  '',
  '| method | description |',
  '| --- | --- |',
  ...methods.map((m) => `| ${code(`${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})`)} | ${cell(m.description)} |`),
  '',
  '#### Events',
  '',
  '| event | class | description |',
  '| --- | --- | --- |',
  ...(element.events ?? []).map((e) => `| ${code(e.name)} | ${code(e.type?.text)} | ${cell(e.description)} |`),
  '',
  '#### Slots',
  '',
  '| slot | description |',
  '| --- | --- |',
  ...(element.slots ?? []).map((s) => `| ${code(s.name)} | ${cell(s.description)} |`),
  '',
  '#### CSS parts',
  '',
  '| part | description |',
  '| --- | --- |',
  ...(element.cssParts ?? []).map((p) => `| ${code(p.name)} | ${cell(p.description)} |`),
  '',
  '#### CSS custom properties',
  '',
  '| property | default | description |',
  '| --- | --- | --- |',
  ...(element.cssProperties ?? []).map((p) => `| ${code(p.name)} | ${code(p.default)} | ${cell(p.description)} |`),
  '',
  '#### CSS custom states',
  '',
  '| state | description |',
  '| --- | --- |',
  ...(element.cssStates ?? []).map((s) => `| ${code(`:state(${s.name})`)} | ${cell(s.description)} |`),
];
const START = '<!-- api reference: start -->';
const END = '<!-- api reference: end -->';
const readme = read('README.md');
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a < 0 || b < a) throw new Error(`README.md needs the markers ${START} and ${END}`);
const updated = `${readme.slice(0, a + START.length)}\n${lines.join('\n')}\n${readme.slice(b)}`;

if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md API reference is out of date: run `node scripts/manifest-docs.mjs` (after `npm run analyze`).');
    process.exit(1);
  }
  console.log('README.md API reference matches custom-elements.json');
} else {
  if (!process.argv.includes('--dist')) writeFileSync(new URL('README.md', root), updated);
  mkdirSync(new URL('dist/', root), { recursive: true });
  writeFileSync(new URL('dist/vscode.html-custom-data.json', root), `${JSON.stringify(vscode, null, 2)}\n`);
  writeFileSync(new URL('dist/web-types.json', root), `${JSON.stringify(webTypes, null, 2)}\n`);
  console.log(`wrote ${process.argv.includes('--dist') ? '' : 'README.md API reference, '}dist/vscode.html-custom-data.json, dist/web-types.json`);
}
