// `npm run bench`: one run, every section printed as a Markdown table with side-by-side ratios (against peers and the
// raw limit). `npm run bench -- core verifier` runs only the named sections.
import type { BenchSection } from './section.js';

const sections: BenchSection[] = [
  { name: 'core', load: () => import('./core-section.js') },
  { name: 'verifier', load: () => import('./verifier-section.js') },
  { name: 'client', load: () => import('./client-section.js') },
  { name: 'issuer', load: () => import('./issuer-section.js') },
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
for (const section of sections) {
  if (wanted.length > 0 && !wanted.includes(section.name)) continue;
  const { run } = await section.load();
  console.log(await run());
}
