/**
 * One MutationObserver for every element: re-renders an element when a `lang` attribute changes on
 * it or on any ancestor, across shadow roots. It watches the document and each shadow root an
 * element sits in, and disconnects when no element is left.
 */
import type { ReactiveElement } from 'lit';

const elements = new Set<ReactiveElement>();
let observer: MutationObserver | undefined;

const OPTIONS: MutationObserverInit = { attributes: true, attributeFilter: ['lang'], subtree: true };

/** The document and every shadow root `element` sits in. */
function rootsOf(element: Element): Node[] {
  const roots: Node[] = [];
  let root = element.getRootNode();
  while (root instanceof ShadowRoot) {
    roots.push(root);
    root = root.host.getRootNode();
  }
  roots.push(document.documentElement);
  return roots;
}

function observeAll(): void {
  observer!.disconnect();
  const seen = new Set<Node>();
  for (const element of elements) {
    for (const root of rootsOf(element)) {
      if (!seen.has(root)) observer!.observe(root, OPTIONS);
      seen.add(root);
    }
  }
}

export const langObserver = {
  add(element: ReactiveElement): void {
    if (typeof MutationObserver === 'undefined') return;
    elements.add(element);
    observer ??= new MutationObserver((records) => {
      for (const el of elements) {
        if (records.some((record) => composedContains(record.target, el))) el.requestUpdate();
      }
    });
    observeAll();
  },
  delete(element: ReactiveElement): void {
    if (!elements.delete(element)) return;
    if (elements.size) observeAll();
    else {
      observer?.disconnect();
      observer = undefined;
    }
  },
  /** For tests: whether the shared observer exists. */
  get active(): boolean {
    return observer !== undefined;
  },
};

/** Keeps its host on the observer while the host is connected. */
export class LangController {
  readonly #host: ReactiveElement;
  constructor(host: ReactiveElement) {
    this.#host = host;
    host.addController(this);
  }
  hostConnected(): void {
    langObserver.add(this.#host);
  }
  hostDisconnected(): void {
    langObserver.delete(this.#host);
  }
}

/** `node` is `el` or one of its ancestors, crossing shadow roots. */
function composedContains(node: Node, el: Element): boolean {
  for (let n: Node | null = el; n; n = n.parentNode ?? (n instanceof ShadowRoot ? n.host : null)) if (n === node) return true;
  return false;
}
