// The demo's two DOM shorthands, shared by its modules.

/** The element with `id`. */
export const $ = (id) => document.getElementById(id);

/** A new `tag` element with `className` and `text` (as textContent: never parsed as HTML), when given. */
export const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
