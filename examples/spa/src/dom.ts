// A tiny element builder: text always goes in as text (never HTML), so nothing an API answers can become markup.

/** What an element can contain. `null`, `undefined` and `false` are skipped (for conditional children). */
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element.
 * @param tag - the tag name
 * @param attributes - attributes (`class`, `data-*`, …); `false`/`undefined` leave one out, `true` sets it empty
 * @param children - nodes or text
 * @returns the element
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/**
 * The element with `data-testid="<id>"` (every region and button of the page has one).
 * @throws when the page has none: the HTML and the script disagree
 */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (element === null) throw new Error(`the page has no [data-testid="${id}"]`);
  return element;
}

/** `12:03:07` in the local time zone. */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}
