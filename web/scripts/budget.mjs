// The JavaScript each entry page of the console loads before it shows
// anything, gzipped, against the budgets of docs/performance.md: the office shell at most
// 350 KB, the public report page at most 120 KB (KB = 1000 bytes).
//
//   node scripts/budget.mjs <build folder>     exit 1 when a page is over
//
// A page's initial JavaScript is the entry chunk, the chunk of each route
// component the page shows, and every chunk those import statically
// (Vite's manifest, .vite/manifest.json); chunks loaded later on demand do
// not count. Sizes are of gzip at level 9, as the gateway serves them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/budget.mjs <build folder>');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8'));

const pages = [
  {
    name: 'office shell (/clues, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/ClueList.vue'],
    budget: 350_000,
  },
  { name: 'office login (/login)', components: ['src/office/LoginPage.vue'], budget: 350_000 },
  // The dashboard with its charts: the shell, the page and ECharts, which
  // only the lazy chunks of this page and the risk overview may carry
  // (checked below).
  {
    name: 'office dashboard (/dashboard, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/DashboardPage.vue'],
    budget: 350_000,
    charts: true,
  },
  // The risk overview with its heat map of the org tree (ECharts' treemap):
  // the other page whose lazy chunks may carry ECharts.
  {
    name: 'office risk overview (/risk, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/RiskOverview.vue'],
    budget: 350_000,
    charts: true,
  },
  // A case opened from a link, and the case list: the shell with each page's
  // own lazy chunk (the case page loads only when a case is opened).
  {
    name: 'office case page (/cases/{id}, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/CaseDetail.vue'],
    budget: 350_000,
  },
  {
    name: 'office case list (/cases, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/CaseList.vue'],
    budget: 350_000,
  },
  // Where a cadre and HR land: the shell with the integrity page's lazy
  // chunk, which carries the integrity pages' texts (merged on load).
  {
    name: 'cadre integrity file (/integrity/me, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/IntegrityMine.vue'],
    budget: 350_000,
  },
  {
    name: 'HR opinion requests (/integrity/opinions, signed in)',
    components: ['src/office/ShellLayout.vue', 'src/office/IntegrityOpinions.vue'],
    budget: 350_000,
  },
  { name: 'public report page (/report)', components: ['src/public/ReportPage.vue'], budget: 120_000 },
  { name: 'public follow-up (/report/follow-up)', components: ['src/public/FollowUpPage.vue'], budget: 120_000 },
];

function collect(key, files) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the build's manifest`);
  if (files.has(chunk.file)) return;
  files.add(chunk.file);
  for (const imp of chunk.imports ?? []) collect(imp, files);
}

const gz = new Map();
function gzSize(file) {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dir, file)), { level: 9 }).length);
  return gz.get(file);
}

/* Whether a built file carries ECharts: its renderer's registration
 * names are kept by minification. */
function hasCharts(file) {
  return /registerPainter|__ec_inner_|echarts/i.test(readFileSync(join(dir, file), 'utf8'));
}

let over = 0;
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
for (const page of pages) {
  const files = new Set();
  collect('index.html', files);
  for (const c of page.components) collect(c, files);
  const js = [...files].filter((f) => f.endsWith('.js'));
  const total = js.reduce((sum, f) => sum + gzSize(f), 0);
  const ok = total <= page.budget;
  if (!ok) over++;
  const charting = js.filter(hasCharts);
  if (!page.charts && charting.length) {
    over++;
    console.log(`OVER ${page.name}: loads ECharts at start (${charting.join(', ')}); it belongs in the overviews' lazy chunk`);
  } else if (page.charts && !charting.length) {
    over++;
    console.log(`FAIL ${page.name}: no ECharts found, so the check above proves nothing`);
  }
  console.log(
    `${ok ? 'ok  ' : 'OVER'} ${page.name}: ${kb(total)} gzipped in ${js.length} files (budget ${kb(page.budget)})`,
  );
}
process.exit(over ? 1 : 0);
