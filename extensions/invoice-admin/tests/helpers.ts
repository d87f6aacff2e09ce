// Reading what an extension rendered in the tester's jsdom.
/** An s-* element's property as Preact set it: a property where the element defines one, else an attribute. */
export const prop = (element: Element | null, name: string) =>
  ((element as unknown as Record<string, unknown> | null)?.[name] as string | undefined) ?? element?.getAttribute(name) ?? null;

export const text = () => document.body.textContent ?? "";

/** The s-button whose text is `label`. */
export function button(label: string): HTMLElement {
  const found = [...document.body.querySelectorAll("s-button")].find((b) => b.textContent?.trim() === label);
  if (!found) throw new Error(`no button "${label}"; there are: ${[...document.body.querySelectorAll("s-button")].map((b) => b.textContent).join(", ")}`);
  return found as HTMLElement;
}
