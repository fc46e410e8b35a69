/**
 * The locale table: built-in English and Russian, plus whatever hosts register. A language tag is
 * looked up as given (`pt-BR`), then by its base (`pt`), and every missing key falls back to English.
 */
import { en, type Strings } from './locales/en.js';
import { ru } from './locales/ru.js';

export type { Strings };

const locales = new Map<string, Partial<Strings>>([
  ['en', en],
  ['ru', ru],
]);

/**
 * Adds a language or overrides some strings of one, for every element on the page:
 * `registerLocale('de', { retry: 'Neuen QR-Code holen', … })`.
 */
export function registerLocale(lang: string, strings: Partial<Strings>): void {
  const key = lang.toLowerCase();
  locales.set(key, { ...locales.get(key), ...strings });
  merged.clear();
}

/** Merged tables by language tag: every render asks, and a page may hold hundreds of elements. */
const merged = new Map<string, Strings>();

/** The strings for a language tag (English for unknown tags and missing keys). */
export function stringsFor(lang: string | undefined, overrides?: Partial<Strings>): Strings {
  const tag = (lang || 'en').toLowerCase();
  let strings = merged.get(tag);
  if (!strings) {
    strings = { ...en, ...locales.get(tag.split('-')[0]), ...locales.get(tag) };
    merged.set(tag, strings);
  }
  return overrides ? { ...strings, ...overrides } : strings;
}

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
