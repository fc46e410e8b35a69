/**
 * The locale table: built-in English and Russian, plus whatever hosts register. A language tag is
 * looked up as given (`pt-BR`), then by its base (`pt`), and every missing key falls back to English.
 *
 * English is part of the element; Russian is loaded on demand, the first time an element needs it
 * (a separate file next to the drop-in file, a separate chunk in an app's bundle): see
 * {@link localeLoading}.
 */
import { en, type Strings } from './locales/en.js';

export type { Strings };

/** Built-in languages loaded on demand, by base tag. */
const BUILT_IN: Record<string, () => Promise<Partial<Strings>>> = {
  ru: () => import('./locales/ru.js').then((m) => m.ru),
};

/** How long an element shows no text while its language loads before it shows English instead (ms). */
const LOCALE_WAIT_MS = 3_000;

/** Built-in tables loaded so far (`en`, then `ru` once loaded). */
const builtIn = new Map<string, Partial<Strings>>([['en', en]]);
/** What hosts registered, by tag. */
const registered = new Map<string, Partial<Strings>>();
/** Built-in languages being loaded: settles when the table is there, failed to load, or took too long. */
const loading = new Map<string, Promise<void>>();
/** Built-in languages whose load was started. */
const waited = new Set<string>();

/**
 * Adds a language or overrides some strings of one, for every element on the page:
 * `registerLocale('de', { retry: 'Neuen QR-Code holen', … })`.
 */
export function registerLocale(lang: string, strings: Partial<Strings>): void {
  const key = lang.toLowerCase();
  registered.set(key, { ...registered.get(key), ...strings });
  merged.clear();
}

/** Merged tables by language tag: every render asks, and a page may hold hundreds of elements. */
const merged = new Map<string, Strings>();

const table = (tag: string) => ({ ...builtIn.get(tag), ...registered.get(tag) });

/**
 * The strings for a language tag (English for unknown tags and missing keys). A built-in language
 * that is not loaded yet is English here until it is: elements wait for {@link localeLoading} first.
 */
export function stringsFor(lang: string | undefined, overrides?: Partial<Strings>): Strings {
  const tag = (lang || 'en').toLowerCase();
  let strings = merged.get(tag);
  if (!strings) {
    strings = { ...en, ...table(tag.split('-')[0]), ...table(tag) };
    merged.set(tag, strings);
  }
  return overrides ? { ...strings, ...overrides } : strings;
}

/**
 * Starts loading the built-in language a tag needs (`ru-RU` → `ru`), if any; returns a promise while
 * it loads, `undefined` once it is there (or failed to load, or took longer than a few seconds:
 * English then, with a console warning on failure).
 */
export function localeLoading(lang: string | undefined): Promise<void> | undefined {
  const base = (lang || 'en').toLowerCase().split('-')[0];
  const load = BUILT_IN[base];
  if (!load || builtIn.has(base) || waited.has(base)) return loading.get(base);
  const loaded = load().then(
    (strings) => {
      builtIn.set(base, strings);
      merged.clear();
    },
    () => console.warn(`[green-qr-scan] could not load the "${base}" texts: showing English`),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = Promise.race([loaded, new Promise<void>((resolve) => (timer = setTimeout(resolve, LOCALE_WAIT_MS)))]).then(() => {
    clearTimeout(timer);
    loading.delete(base);
  });
  // Loaded at most once per page: a language that failed (or was slow) is English from then on,
  // until its table arrives (elements pick it up with their next render).
  waited.add(base);
  loading.set(base, pending);
  return pending;
}

/** Every key with no text: what an element shows while its language loads (never another language's words). */
export const NO_TEXT = Object.fromEntries(Object.keys(en).map((key) => [key, ''])) as unknown as Strings;

/** Fills `{name}` placeholders. */
export function format(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

/** The language that applies to `element`: its own or closest ancestor's `lang` (across shadow roots), else the document's. */
export function langOf(element: Element): string {
  let node: Node | null = element;
  while (node) {
    if (node instanceof Element) {
      const lang = node.getAttribute('lang');
      if (lang) return lang;
    }
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return document.documentElement.lang || 'en';
}
