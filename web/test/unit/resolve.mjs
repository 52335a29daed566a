// The UI's sources import each other without an extension ("./status"), as Vite resolves them; tsc keeps those
// specifiers, and node needs the compiled file's name ("./status.js").
export async function resolve(specifier, context, next) {
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  if (relative && !/\.[cm]?js$/.test(specifier)) return next(`${specifier}.js`, context);
  return next(specifier, context);
}
