// Counts the exported names of every entry point (package.json "exports", read through the
// @backprop/source condition): `pnpm -s api:count`. The numbers go in the closing note of API changes.
import ts from 'typescript';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
const root = resolve(process.argv[2] ?? '.');
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, dir))) {
    const pj = join(root, dir, name, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8')) as { name: string; exports?: Record<string, string | Record<string, string>> };
    for (const [sub, cond] of Object.entries(pkg.exports ?? {})) {
      const file = join(root, dir, name, typeof cond === 'string' ? cond : cond['@backprop/source']);
      const program = ts.createProgram([file], { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, customConditions: ['@backprop/source'], allowImportingTsExtensions: true, noEmit: true });
      const checker = program.getTypeChecker();
      const sym = checker.getSymbolAtLocation(program.getSourceFile(file)!);
      if (!sym) continue;
      const names = checker.getExportsOfModule(sym);
      const values = names.filter((s) => { const t = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s; return (t.flags & ts.SymbolFlags.Value) !== 0; });
      console.log(`${pkg.name}${sub === '.' ? '' : sub.slice(1)}\t${names.length} names (${values.length} values, ${names.length - values.length} types only)`);
    }
  }
}
