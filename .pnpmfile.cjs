// pnpm hooks for this workspace.
// beforePacking: the published package.json drops what only this repository uses: the
// `@backprop/source` condition of "exports" and "imports" (it points into src/, which only the
// repository's tests and scripts read; tarballs ship dist/), and "scripts" and
// "devDependencies" (they name repository files and tools). Users and linters see types-first,
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
      delete pkg.scripts;
      delete pkg.devDependencies;
      return pkg;
    },
  },
};
