// pnpm hooks for this workspace.
// beforePacking: the published package.json drops the `@backprop/source` condition from
// "exports" and "imports". That condition points into src/, which only this repository's
// tests and scripts read (tarballs ship dist/), so users and linters see types-first,
// dist-only maps. The package.json files in the repository stay the one place to edit.
const SOURCE = '@backprop/source';

/** A conditions map without the source condition (nested maps included). */
function withoutSource(target) {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return target;
  const out = {};
  for (const [key, value] of Object.entries(target)) {
    if (key !== SOURCE) out[key] = withoutSource(value);
  }
  return out;
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.exports) pkg.exports = withoutSource(pkg.exports);
      if (pkg.imports) pkg.imports = withoutSource(pkg.imports);
      return pkg;
    },
  },
};
