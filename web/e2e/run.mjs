// End-to-end tests of the web console in a real browser: playwright-core
// drives Debian's chromium against the stack that scripts/test.sh starts
// (CG_GATEWAY_URL, CG_DEMO_PASSWORD). Each test runs in a fresh browser
// context, saves a screenshot (the path is printed) and fails on any
// Content-Security-Policy violation the page reports.
//
//   node e2e/run.mjs [screenshot folder]      exit 0 ok, 1 failed, 77 no stack
//
// CG_E2E_ONLY=name,name runs only the tests named (while working on one).
import { chromium, selectors } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';

const base = process.env.CG_GATEWAY_URL;
const password = process.env.CG_DEMO_PASSWORD;
if (!base || !password) {
  console.log('web_e2e: CG_GATEWAY_URL and CG_DEMO_PASSWORD are not set; run it through ./scripts/test.sh');
  process.exit(77);
}
const shots = resolve(process.argv[2] ?? process.env.CG_E2E_SHOTS ?? 'e2e-screenshots');
mkdirSync(shots, { recursive: true });
// Screenshots of an earlier run would pass for this one's.
for (const f of readdirSync(shots)) if (f.endsWith('.png')) rmSync(join(shots, f));
const executablePath = process.env.CG_CHROMIUM ?? '/usr/bin/chromium';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

// The console navigates inside the page (history API); waitForURL waits for
// a load event that such a navigation never fires.
async function waitUrl(page, re) {
  await page.waitForFunction((source) => new RegExp(source).test(location.pathname + location.search), re.source, {
    timeout: 15000,
  });
}

// The dashboard draws its charts while its loading mask still covers
// them, and the mask fades out after: a click by coordinates (a canvas has
// no elements to wait on) lands on the mask until it is gone.
async function chartsClickable(page) {
  await page.locator('[data-test=dashboard] .el-loading-mask').waitFor({ state: 'detached' });
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

// Where a person reads a name, no account id may show (docs/api.md "Names
// beside ids"); the id stays in the element's tooltip.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
async function checkNamed(locator, name, what) {
  const text = await locator.textContent();
  check(text.includes(name), `${what} is not shown by name (${name}): ${text}`);
  check(!UUID.test(text), `${what} shows an id: ${text}`);
}

// Sign in through the login page and land on path.
async function signIn(page, username, path) {
  await page.goto(`${base}/login?redirect=${encodeURIComponent(path)}`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByTestId('login-submit').click();
  await waitUrl(page, new RegExp(`${path.replace(/[?]/g, '\\?')}$`));
}

async function signOut(page) {
  await page.getByTestId('logout').click();
  await waitUrl(page, /\/login$/);
}

// Type text into the people picker of field name and return the option of
// username, once the lookup answered this text (once per role). Until then
// the options of an earlier search (or of the empty one the picker makes
// when it opens) stay listed, and a click on one while the search starts
// was seen to select nothing.
async function typePerson(page, name, text, username) {
  await page.getByTestId(`picker-${name}`).click();
  const answered = ['inspector', 'inspection_lead'].map((role) =>
    page.waitForResponse((a) => {
      const u = new URL(a.url());
      return u.pathname === '/api/v1/people' && u.searchParams.get('role') === role && u.searchParams.get('q') === text;
    }),
  );
  await page.keyboard.type(text);
  await Promise.all(answered);
  const option = page.locator(`[data-test="person-${username}"]`);
  await option.waitFor();
  return option;
}

async function pickPerson(page, name, text, username) {
  await (await typePerson(page, name, text, username)).click();
}

async function clueStatus(page) {
  return page.getByTestId('clue-status').getAttribute('data-status');
}

// A 1x1 PNG: the case service reads the type from the content.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

// A small PDF: the rectification service types its documents by content.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

// A day n days from today, YYYY-MM-DD (UTC, as the services count days).
function day(n) {
  return new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
}

// fetch, once more after a network failure: Node keeps connections alive
// between calls, and one the gateway closed while a test ran in the
// browser fails the next call with "fetch failed".
async function fetchOnceMore(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

// Fixtures through the API, as a bearer token (no cookie, no CSRF token).
async function apiLogin(username) {
  const r = await fetchOnceMore(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  check(r.ok, `login ${username}: ${r.status}`);
  return (await r.json()).token;
}

// body: an object sent as JSON, or a Buffer sent raw with contentType.
async function apiCall(bearer, method, path, body, contentType = 'application/json') {
  const raw = Buffer.isBuffer(body);
  const r = await fetchOnceMore(`${base}${path}`, {
    method,
    headers: { 'Content-Type': raw ? contentType : 'application/json', Authorization: `Bearer ${bearer}` },
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  check(r.ok, `${method} ${path}: ${r.status} ${await r.clone().text()}`);
  return r.json();
}

// A batch of east with one problem and one task for city_a, as hq's lead
// registers them; returns the batch and the task.
async function rectifyFixture(token, deadline = day(40)) {
  const lead = await apiLogin('lead');
  const batch = await apiCall(lead, 'POST', '/api/v1/rectify/batches', {
    source: 'inspection',
    source_ref: `XC-${token}`,
    title: `巡察反馈 ${token}`,
    unit_code: 'east',
    feedback_on: day(-3),
  });
  const problem = await apiCall(lead, 'POST', `/api/v1/rectify/batches/${batch.id}/problems`, {
    description: `公务用车管理不规范 ${token}`,
    severity: 'general',
  });
  const task = await apiCall(lead, 'POST', `/api/v1/rectify/problems/${problem.id}/tasks`, {
    text: `规范公务用车审批 ${token}`,
    unit_code: 'city_a',
    leader: '赵副总经理',
    deadline_on: deadline,
  });
  return { lead, batch, task };
}

// The task of rectifyFixture() walked to closure through the API: the
// unit's leader plans, proves and asks; the office accepts and closes off.
async function closedTaskFixture(token) {
  const { lead, batch, task } = await rectifyFixture(token);
  const unit = await apiLogin('unitlead.east');
  const t = `/api/v1/rectify/tasks/${task.id}`;
  await apiCall(unit, 'POST', `${t}/plan`, { measures: [{ text: '修订审批办法', milestone_on: day(5) }] });
  const doc = await apiCall(unit, 'POST', `${t}/documents?name=${encodeURIComponent('用车办法.pdf')}`, PDF, 'application/pdf');
  await apiCall(unit, 'POST', `${t}/evidence`, { measure: 1, sha256: doc.sha256, effective_on: day(0), description: '办法已印发' });
  await apiCall(unit, 'POST', `${t}/closure-request`, {});
  await apiCall(await apiLogin('inspector'), 'POST', `${t}/verify`, { party: 'office' });
  await apiCall(lead, 'POST', `${t}/verify`, { party: 'inspection_group' });
  await apiCall(lead, 'POST', `${t}/close`, {});
  return { lead, batch, task };
}

// The rectification service's clock moved by days (the test clock of
// scripts/test.sh, CG_RECTIFY_TEST_CLOCK=1), as tests/integration/rectify_loops.c moves it.
function rectifyClock(days) {
  check(process.env.CG_STATE, 'CG_STATE is not set: the test moves the rectify clock with psql');
  execFileSync('psql', [
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    `host=${process.env.CG_STATE}/pg/sock user=postgres dbname=cg_rectify`,
    '-c',
    `UPDATE service_clock SET offset_s = ${Number(days) * 86400}`,
  ]);
}

// Polls until fn() answers something truthy (each try a second apart).
async function eventually(fn, what, tries = 30) {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`never: ${what}`);
}

// Enterprise events published onto the stack's stream as the enterprise's
// own systems would (docs/enterprise-events.md): JSON lines through
// cg-publish as the NATS user publisher, as tests/lib/cgt.c does. It needs
// the stack's CG_STATE (scripts/test.sh exports it, with CG_BUILD and
// CG_STACK) to ask stack.sh for that user's URL.
function publishEvents(events) {
  check(process.env.CG_STATE, 'CG_STATE is not set: the test publishes enterprise events through the stack');
  const stack = process.env.CG_STACK || resolve('../scripts/stack.sh');
  const bin = [
    process.env.CG_BUILD && join(process.env.CG_BUILD, 'common', 'cg-publish'),
    resolve('../build-test/common/cg-publish'),
    resolve('../build/common/cg-publish'),
  ].find((f) => f && existsSync(f));
  check(bin, 'no cg-publish: build the tree (CG_BUILD names it)');
  const url = execFileSync(stack, ['nats-url', 'publisher'], { encoding: 'utf8' }).trim();
  const file = join(tmpdir(), `cg-e2e-events-${randomBytes(6).toString('hex')}.jsonl`);
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  try {
    execFileSync(bin, [file], { env: { ...process.env, CG_NATS_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(file, { force: true });
  }
}

// An expense claim of city_a or city_b (ent.finance.expense.claimed), made
// days ago; the claimant approving it is the heavy indicator
// self_approval, which raises an alert on its own (docs/risk.md).
function expenseClaim(token, n, { unit, claimant, approver, amountFen, daysAgo }) {
  const on = day(-daysAgo);
  return {
    subject: 'ent.finance.expense.claimed',
    id: `e2e-${token}-${n}`,
    source: 'fin.east',
    time: `${on}T09:00:00Z`,
    data: {
      claim_id: `BX-E2E-${token}-${n}`,
      unit: { unit_code: unit },
      claimant,
      approver,
      amount_fen: amountFen,
      category: 'travel',
      claimed_on: on,
      approved_at: `${on}T09:00:00Z`,
    },
  };
}

// The open alert about a person, once the risk service raised it.
async function personAlert(token, person) {
  return eventually(async () => {
    const { items } = await apiCall(token, 'GET', '/api/v1/risk/alerts?entity_kind=person');
    return items.find((a) => a.entity.id === person);
  }, `an alert about ${person}`);
}

// The demo cadre's integrity file (HR-CADRE.EAST in city_a, as the
// integration tests open it), opened through the API by lead.east when it
// is missing; cadre.east's account carries that person id again, since
// held_names_decided_by_a_lead gives it one of its own. Returns the lead's
// token and the file's id.
async function demoCadreFile() {
  const admin = await apiLogin('admin');
  const found = await apiCall(admin, 'GET', '/api/v1/people?role=cadre&q=cadre.east');
  const account = found.items.find((p) => p.username === 'cadre.east');
  check(account, 'no cadre.east in the people lookup');
  await apiCall(admin, 'PATCH', `/api/v1/accounts/${account.id}`, { person_id: 'HR-CADRE.EAST' });
  const lead = await apiLogin('lead.east');
  const list = await apiCall(lead, 'GET', '/api/v1/integrity/cadres?q=HR-CADRE.EAST');
  let cadre = list.items.find((c) => c.person_id === 'HR-CADRE.EAST');
  if (!cadre)
    cadre = (
      await apiCall(lead, 'POST', '/api/v1/integrity/cadres', {
        person_id: 'HR-CADRE.EAST',
        name: '华东干部',
        unit_code: 'city_a',
        position: '物资部主任',
        grade: '正科',
      })
    ).cadre;
  return { lead, cadreId: cadre.id };
}

// A year the demo cadre has not reported, from the years the console's
// tests keep to themselves: 2091 to 2098 (the integration tests take 2001
// to 2039 and 2040 to 2090, role_matrix 2099 and 2100). The first of them
// still free, so that a second run on the same stack (scripts/test.sh runs
// the console's tests again when the first run fails) takes a fresh year,
// as does a developer's next run, for eight runs.
async function freeReportYear(lead, cadreId) {
  const { reports } = await apiCall(lead, 'GET', `/api/v1/integrity/cadres/${cadreId}/reports`);
  const taken = new Set(reports.map((r) => r.year));
  for (let year = 2091; year <= 2098; year++) if (!taken.has(year)) return year;
  throw new Error('the demo cadre has reported every year from 2091 to 2098: run the tests on a fresh stack');
}

// The demo cadre's report of a year it has not reported, submitted
// through the API (housing and salary, the rest none), for the tests that
// need one when the console's own test did not run before them.
async function submittedReportYear() {
  if (shared.reportYear) return shared.reportYear;
  const { lead, cadreId } = await demoCadreFile();
  const year = await freeReportYear(lead, cadreId);
  const cadre = await apiLogin('cadre.east');
  const form = await apiCall(cadre, 'GET', '/api/v1/integrity/me/report-form');
  const items = form.items.map((fi) => {
    if (fi.name === 'housing')
      return {
        item: 'housing',
        entries: [{ fields: [{ name: 'owner', value: '本人' }, { name: 'address', value: 'A市幸福路1号' }, { name: 'area_m2', value: '80' }] }],
      };
    if (fi.name === 'salary') return { item: 'salary', entries: [{ fields: [{ name: 'annual_yuan', value: '260000' }] }] };
    return { item: fi.name, none: true };
  });
  await apiCall(cadre, 'PUT', '/api/v1/integrity/me/report', { year, items });
  await apiCall(cadre, 'POST', '/api/v1/integrity/me/report/submit', { year, correction_reason: '补充' });
  shared.reportYear = year;
  return year;
}

// A case of city_a about the person with person id `person`, taken
// through the API from its clue to the disposition decided in review with
// a party warning and a government demerit for that subject, as
// tests/integration/integrity_sanctions.c decides its case (a lead's
// decision on a subject with a person id waits for the relatives check).
async function decidedCase(person, token) {
  const insp = await apiLogin('inspector.east');
  const lead = await apiLogin('lead.east');
  const hq = await apiLogin('lead');
  const clue = await apiCall(insp, 'POST', '/api/v1/clues', {
    source: 'letters_visits',
    subjects: [{ name: `受处分人 ${token}`, person_id: person, position: '物资部主任' }],
    categories: ['integrity'],
    summary: `招标前收受供应商礼品 ${token}`,
    received_date: day(0),
    unit_code: 'city_a',
  });
  await apiCall(insp, 'POST', `/api/v1/clues/${clue.id}/disposal`, { way: 'propose_filing', reason: '证据确凿' });
  await apiCall(lead, 'POST', `/api/v1/clues/${clue.id}/disposal/approve`, {});
  const filed = await apiCall(lead, 'POST', `/api/v1/clues/${clue.id}/file`, {});
  const c = `/api/v1/cases/${filed.case_id}`;
  await apiCall(insp, 'POST', `${c}/actions`, { action: 'start_investigation' });
  await apiCall(insp, 'POST', `${c}/measures`, { kind: 'talk', date: day(0), who: '调查组', summary: '谈话' });
  await apiCall(insp, 'POST', `${c}/actions`, { action: 'submit_report', report: '属实' });
  const reviewer = await apiCall(lead, 'GET', '/api/v1/auth/me');
  await apiCall(hq, 'POST', `${c}/actions`, { action: 'start_review', reviewer_id: reviewer.id });
  const subject = (await apiCall(hq, 'GET', c)).subjects[0].name;
  await apiCall(hq, 'POST', `${c}/items`, { kind: 'party_discipline', measure: 'warning', subject });
  await apiCall(hq, 'POST', `${c}/items`, { kind: 'government_sanction', measure: 'demerit', subject });
  await apiCall(hq, 'POST', `${c}/actions`, { action: 'decide_disposition' });
  return filed.case_id;
}

// What the tests share: the report made on the phone is the clue the
// inspector looks for.
const shared = { token: `e2e-${randomBytes(6).toString('hex')}`, receipt: null, clueUrl: null, reportYear: null };

const tests = [
  {
    name: 'public_report_on_a_phone',
    options: { ...PHONE, locale: 'zh-CN' },
    async run(page) {
      // A QR code naming a unit the gateway does not know: its 400 is
      // explained, nothing is stored.
      await page.goto(`${base}/report?unit=nowhere_e2e`);
      await page.locator('select[name=category]').selectOption('other');
      await page.locator('textarea[name=content]').fill('Checking what an unknown unit in a QR code does.');
      await page.getByTestId('submit').click();
      await page.getByTestId('form-error').filter({ hasText: 'nowhere_e2e' }).waitFor();
      check(!(await page.getByTestId('receipt').count()), 'a receipt for a refused report');

      await page.goto(`${base}/report?unit=east&channel=qr-e2e`);
      await page.getByTestId('report-form').waitFor();
      // The QR code's unit by its name, from the public unit lookup.
      const east = await page.evaluate(() => fetch('/api/v1/public/units/east').then((r) => r.json()));
      await page.getByTestId('report-unit').filter({ hasText: east.name_zh }).waitFor();
      // The browser's language (zh-CN) decides without a stored choice.
      check((await page.locator('h1').textContent()).includes('举报'), 'the page is not in Chinese');
      check((await page.getByTestId('privacy').textContent()).length > 20, 'no identity note');

      // Nothing is sent until the form is valid; the errors show in place.
      let posted = 0;
      let sentBody = null;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/v1/public/reports')) {
          posted++;
          sentBody = r.postDataJSON();
        }
      });
      await page.getByTestId('submit').click();
      await page.getByTestId('form-error').waitFor();
      check((await page.locator('.pub-error').count()) >= 2, 'no field errors shown');
      check(posted === 0, 'an invalid form was sent');

      await page.locator('select[name=category]').selectOption('procurement');
      await page
        .locator('textarea[name=content]')
        .fill(`The tender for substation 7 was fixed for one supplier. ${shared.token}`);
      await page.locator('input[name=location]').fill('Substation 7');
      await page.getByTestId('submit').click();
      const receipt = page.getByTestId('receipt');
      await receipt.waitFor();
      shared.receipt = await receipt.getAttribute('data-receipt');
      check(/^[0-9]{16}$/.test(shared.receipt ?? ''), `receipt ${shared.receipt}`);
      check(posted === 1, `${posted} reports sent`);
      // The QR code's channel travels with the report.
      check(sentBody?.channel === 'qr-e2e' && sentBody?.unit_code === 'east', `sent ${JSON.stringify(sentBody)}`);
      check((await page.getByRole('alert').textContent()).length > 20, 'no warning beside the receipt');
      await page.screenshot({ path: join(shots, 'public-receipt.png'), fullPage: true });

      // Follow it up with the receipt kept.
      await page.goto(`${base}/report/follow-up`);
      await page.locator('input[name=receipt]').fill(shared.receipt.replace(/(\d{4})(?=\d)/g, '$1 '));
      await page.getByTestId('check').click();
      const result = page.getByTestId('status-result');
      await result.waitFor();
      const status = await result.getAttribute('data-status');
      check(status === 'received' || status === 'forwarded', `status ${status}`);

      // A receipt that matches nothing says so plainly.
      await page.locator('input[name=receipt]').fill('0000000000000000');
      await page.getByTestId('check').click();
      await page.getByTestId('follow-up-error').waitFor();
      await page.screenshot({ path: join(shots, 'public-follow-up.png'), fullPage: true });

      // The switch in the header changes the public page's language too.
      await page.getByTestId('lang-switch').selectOption('en');
      await page.locator('h1', { hasText: 'Follow up your report' }).waitFor();
      check((await page.getByTestId('follow-up-error').textContent()).includes('No report matches'), 'error not in English');
    },
  },
  {
    name: 'inspector_finds_the_clue',
    options: { ...DESKTOP, locale: 'en-US' },
    async run(page, context) {
      check(shared.token, 'the public report test did not run');
      // Not logged in: the console sends the user to login and back.
      await page.goto(`${base}/clues`);
      await waitUrl(page, /\/login\?redirect=/);

      // A wrong password is explained, lockout included.
      await page.locator('input[name=username]').fill('nobody.e2e');
      await page.locator('input[name=password]').fill('wrong-password');
      await page.getByTestId('login-submit').click();
      const error = page.getByTestId('login-error');
      await error.waitFor();
      check((await error.textContent()).includes('15 minutes'), 'the lockout is not explained');

      await page.locator('input[name=username]').fill('inspector.east');
      await page.locator('input[name=password]').fill(password);
      await page.getByTestId('login-submit').click();
      await waitUrl(page, /\/clues$/);
      const unit = await page.getByTestId('shell-unit').textContent();
      check(unit.includes('hq.east'), `unit shown: ${unit}`);

      // The report becomes a clue through intake and case; reload until it is there.
      const row = page.getByTestId('clue-row').filter({ hasText: shared.token });
      const deadline = Date.now() + 30000;
      while (!(await row.count())) {
        check(Date.now() < deadline, `no clue with ${shared.token} after 30 s`);
        await page.waitForTimeout(500);
        await page.reload();
        await page.getByTestId('clue-table').waitFor();
      }
      await row.first().click();
      await waitUrl(page, /\/clues\/[0-9a-f-]{36}$/);
      const content = await page.getByTestId('clue-content').textContent();
      check(content.includes(shared.token), `clue content: ${content}`);
      await page.screenshot({ path: join(shots, 'office-clue.png'), fullPage: true });

      // The session ends (cookie gone): the next call's 401 sends the user
      // to login, and login back to this clue.
      const clueUrl = page.url();
      shared.clueUrl = new URL(clueUrl).pathname;
      await context.clearCookies();
      await page.reload();
      await waitUrl(page, /\/login\?redirect=/);
      await page.locator('input[name=username]').fill('inspector.east');
      await page.locator('input[name=password]').fill(password);
      await page.getByTestId('login-submit').click();
      await waitUrl(page, new RegExp(`${new URL(clueUrl).pathname}$`));
      await page.getByTestId('clue-detail').waitFor();
      // The clue page loads its dossier, documents and chain check after
      // the clue itself: let them finish, so the only call that meets the
      // missing cookie is the one the click below makes. (networkidle does
      // not wait here: it was reached long ago by this document, and the
      // console moves between pages without loading a new one. A dossier
      // call still on its way when the cookie went was seen to end the
      // session before the click.)
      await page.waitForFunction(
        () =>
          document.querySelector('[data-test=chain-verified], [data-test=chain-broken]') &&
          document.querySelector('[data-test=dossier-entry]') &&
          ![...document.querySelectorAll('[data-test=dossier] .el-loading-mask')].some((m) => m.offsetParent !== null),
        null,
        { timeout: 15000 },
      );

      // A call that fails with 401 in the page (not at navigation) too.
      await context.clearCookies();
      await page.getByText('Back').click();
      await waitUrl(page, /\/login\?redirect=(%2F|\/)clues$/);
      await page.getByTestId('expired').waitFor();
      await page.screenshot({ path: join(shots, 'office-expired.png'), fullPage: true });
    },
  },
  {
    // The clue's workflow in the console: a lead assigns the clue of the
    // public report to the inspector, who proposes a disposal (the form
    // asks for a conclusion only with the ways that need one) and adds a
    // document; another account, the lead, approves; the dossier shows
    // every step and its chain verified.
    name: 'clue_disposal_and_dossier',
    options: { ...DESKTOP, locale: 'en-US' },
    async run(page, context) {
      check(shared.clueUrl, 'the inspector test did not find the clue');
      // The filters live in the URL: a link with the report's words finds it.
      await signIn(page, 'inspector.east', `/clues?q=${shared.token}`);
      await page.getByTestId('clue-row').filter({ hasText: shared.token }).first().waitFor();
      check((await page.getByTestId('clue-row').count()) === 1, 'the search found more than the one clue');
      const me = await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()));
      await page.goto(`${base}${shared.clueUrl}`);
      await page.getByTestId('waits-for-handler').waitFor();
      check(!(await page.getByTestId('step-propose').count()), 'propose shown on a clue without a handler');
      await signOut(page);

      await signIn(page, 'lead.east', shared.clueUrl);
      check(!(await page.getByTestId('step-approve').count()), 'approve shown with nothing proposed');
      await page.getByTestId('step-assign').click();
      // Nobody picked is refused in place, before anything is sent.
      let assigns = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/assign')) assigns++;
      });
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(assigns === 0, 'an assignment without a handler was sent');
      // The handler is picked by name from the people lookup: typing part
      // of it finds the east inspector, and nobody of the west unit.
      const option = await typePerson(page, 'handler_id', 'Inspector', 'inspector.east');
      check(!(await page.locator('[data-test="person-inspector.west"]').count()), 'the picker offers a west inspector');
      await page.screenshot({ path: join(shots, 'office-people-picker.png'), fullPage: true });
      await option.click();
      await page.getByTestId('step-submit').click();
      await page.getByTestId('step-form').waitFor({ state: 'detached' });
      // The handler by name, the id in its tooltip; and so in the list.
      await checkNamed(page.getByTestId('clue-handler'), me.display_name, 'the handler');
      check((await page.getByTestId('clue-handler').locator('[title]').getAttribute('title')) === me.id, 'no id in the tooltip');
      await page.goto(`${base}/clues?q=${shared.token}`);
      await checkNamed(page.getByTestId('clue-row-handler').first(), me.display_name, "the list's handler");
      await page.goto(`${base}${shared.clueUrl}`);
      await signOut(page);

      await signIn(page, 'inspector.east', shared.clueUrl);
      await page.getByTestId('step-propose').click();
      let proposals = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/disposal')) proposals++;
      });
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(proposals === 0, 'an empty proposal was sent');
      await page.getByTestId('way-preliminary_verification').click();
      check(!(await page.locator('textarea[name=conclusion]').count()), 'a conclusion asked for preliminary verification');
      await page.getByTestId('way-close').click();
      await page.locator('textarea[name=conclusion]').waitFor();
      await page.locator('textarea[name=reason]').fill('The tender file shows an open procedure with three bids.');
      await page.locator('textarea[name=conclusion]').fill('No fault found; the report is answered.');
      await page.getByTestId('step-submit').click();
      await page.getByTestId('disposal').waitFor();
      check((await clueStatus(page)) === 'disposal_proposed', `status after proposing: ${await clueStatus(page)}`);
      check(proposals === 1, `${proposals} proposals sent`);
      // The proposer sees no approve button: a lead other than them decides.
      check(!(await page.getByTestId('step-approve').count()), 'approve shown to the proposer');
      await page.getByTestId('upload-input').setInputFiles({ name: 'tender-file.png', mimeType: 'image/png', buffer: PNG });
      await page.getByTestId('document-link').filter({ hasText: 'tender-file.png' }).waitFor();
      await page.getByTestId('upload-note').waitFor();
      await page.screenshot({ path: join(shots, 'office-proposed.png'), fullPage: true });
      await signOut(page);

      await signIn(page, 'lead.east', shared.clueUrl);
      // A second tab holds the clue as it was, as a second lead would.
      const stale = await context.newPage();
      await stale.goto(`${base}${shared.clueUrl}`);
      await stale.getByTestId('step-approve').click();
      await page.getByTestId('step-approve').click();
      await page.getByTestId('step-submit').click();
      await page.getByTestId('disposal').and(page.locator('[data-state=approved]')).waitFor();
      check((await clueStatus(page)) === 'closed', `status after approval: ${await clueStatus(page)}`);
      // The stale tab's approval is refused with the service's 409 reason, in place.
      await stale.getByTestId('step-submit').click();
      const refused = stale.getByTestId('step-refused');
      await refused.waitFor();
      const reason = await refused.textContent();
      check(reason.includes('closed') && reason.includes('disposal_proposed'), `409 reason shown: ${reason}`);
      await stale.screenshot({ path: join(shots, 'office-refused-409.png'), fullPage: true });
      // Its button shows the clue as it is now, with no approve left.
      await refused.getByRole('button').click();
      await stale.locator('[data-test=clue-status][data-status=closed]').waitFor();
      check(!(await stale.getByTestId('step-approve').count()), 'approve still offered on a closed clue');
      await stale.close();
      // The timeline has every step, and the chain holds.
      await page.getByTestId('dossier-entry').filter({ hasText: 'Disposal approved' }).waitFor();
      const actions = await page.getByTestId('dossier-entry').evaluateAll((els) => els.map((e) => e.dataset.action));
      for (const a of ['clue.created', 'clue.assigned', 'disposal.proposed', 'document.added', 'disposal.approved'])
        check(actions.includes(a), `no ${a} in the timeline: ${actions.join(', ')}`);
      // The dossier names its actors: the inspector's steps carry the
      // inspector's name beside the id, which the timeline shows.
      const dossierUrl = `/api/v1${shared.clueUrl}/dossier?limit=100`;
      const dossier = await page.evaluate((u) => fetch(u).then((r) => r.json()), dossierUrl);
      const byInspector = dossier.items.filter((e) => e.actor_id === me.id);
      check(byInspector.length >= 2, `the inspector's entries: ${byInspector.length}`);
      for (const e of byInspector) check(e.actor_name === me.display_name, `entry ${e.seq} names ${e.actor_name}`);
      await page.getByTestId('chain-verified').waitFor();
      // Entries read as sentences: the lead's assignment names the lead.
      const lead = await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()));
      const assigned = await page.locator('[data-action="clue.assigned"] [data-test=dossier-sentence]').textContent();
      check(assigned.startsWith(`${lead.display_name} assigned the clue to `), `assignment sentence: ${assigned}`);
      // The lead is not the handler, so their looks were recorded as reads,
      // which the timeline hides by default and counts; the switch shows them.
      check(!actions.includes('dossier.read'), `reads shown by default: ${actions.join(', ')}`);
      const hiddenReads = Number(await page.getByTestId('reads-hidden').getAttribute('data-hidden'));
      check(hiddenReads > 0, 'no read of the lead counted as hidden');
      await page.getByTestId('hide-reads').click();
      await page.locator('[data-test=dossier-entry][data-action="dossier.read"]').first().waitFor();
      const reads = await page.locator('[data-test=dossier-entry][data-action="dossier.read"]').count();
      check(reads === hiddenReads, `${reads} reads shown, ${hiddenReads} said hidden`);
      await page.screenshot({ path: join(shots, 'office-dossier-reads.png'), fullPage: true });
      await page.getByTestId('hide-reads').click();
      await page.locator('[data-test=dossier-entry][data-action="dossier.read"]').first().waitFor({ state: 'detached' });
      // A closed clue offers no further step, and the document downloads.
      check(!(await page.getByTestId('clue-steps').locator('[data-test=step-propose]').count()), 'propose on a closed clue');
      const href = await page.getByTestId('document-link').first().getAttribute('href');
      const bytes = await page.evaluate((h) => fetch(h).then((r) => r.arrayBuffer()).then((b) => b.byteLength), href);
      check(bytes === PNG.length, `downloaded ${bytes} bytes, uploaded ${PNG.length}`);
      await page.screenshot({ path: join(shots, 'office-dossier-verified.png'), fullPage: true });
    },
  },
  {
    // Filing (立案) in the console: a clue registered by the inspector with
    // a propose_filing proposal (set up through the API, as the steps before
    // it are the previous test's), approved and filed by the lead, opens its
    // case, which takes a document and exports its dossier.
    name: 'case_filed_from_a_clue',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      await signIn(page, 'inspector.east', '/clues');
      const id = await page.evaluate(async (token) => {
        const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': localStorage.getItem('cg.csrf') };
        const post = async (path, body) => {
          const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
          if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
          return r.json();
        };
        const clue = await post('/api/v1/clues', {
          source: 'letters_visits',
          subjects: [{ name: '张某', position: '物资采购主管' }],
          categories: ['integrity'],
          summary: `招标前收受供应商礼品 ${token}`,
          received_date: new Date().toISOString().slice(0, 10),
          unit_code: 'east',
        });
        await post(`/api/v1/clues/${clue.id}/disposal`, { way: 'propose_filing', reason: '初核证据充分，建议立案' });
        return clue.id;
      }, shared.token);
      await signOut(page);

      await signIn(page, 'lead.east', `/clues/${id}`);
      await page.getByTestId('step-approve').click();
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=clue-status][data-status=filing_proposed]').waitFor();
      await page.getByTestId('step-file').click();
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=clue-status][data-status=filed]').waitFor();
      await page.getByTestId('case-link').click();
      await waitUrl(page, /\/cases\/[0-9a-f-]{36}$/);
      const detail = await page.getByTestId('case-detail').textContent();
      check(detail.includes(shared.token) && detail.includes('已立案'), `case page: ${detail}`);
      await page.getByTestId('upload-input').setInputFiles({ name: '立案决定书.png', mimeType: 'image/png', buffer: PNG });
      await page.getByTestId('document-link').filter({ hasText: '立案决定书.png' }).waitFor();
      const href = await page.getByTestId('export').getAttribute('href');
      const archive = await page.evaluate((h) => fetch(h).then((r) => [r.status, r.headers.get('Content-Type')]), href);
      check(archive[0] === 200 && /tar/.test(archive[1] ?? ''), `export answered ${archive.join(' ')}`);
      await page.screenshot({ path: join(shots, 'office-case.png'), fullPage: true });
    },
  },
  {
    // The overview's figures open the clue list filtered to what
    // they count, and the list's own filters (status, overdue) go to the
    // API and into the URL.
    name: 'dashboard_and_list_filters',
    options: { ...DESKTOP, locale: 'en-US' },
    async run(page) {
      // A clue received 45 days ago is past its 30 days for disposal
      // (docs/case-lifecycle.md, "Deadlines"): one overdue clue at least.
      await signIn(page, 'lead.east', '/clues');
      await page.evaluate(async (token) => {
        const day = new Date(Date.now() - 45 * 86400000).toISOString().slice(0, 10);
        const r = await fetch('/api/v1/clues', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': localStorage.getItem('cg.csrf') },
          body: JSON.stringify({
            source: 'letters_visits',
            subjects: [{ name: '王某' }],
            categories: ['work'],
            summary: `逾期未处置的来信 ${token}`,
            received_date: day,
            unit_code: 'east',
          }),
        });
        if (r.status !== 201) throw new Error(`register: ${r.status} ${await r.text()}`);
      }, shared.token);
      await page.goto(`${base}/dashboard`);
      await page.locator('[data-test=chart-stage] canvas').waitFor();
      await chartsClickable(page);
      const total = Number(await page.getByTestId('figure-total').textContent().then((t) => t.match(/\d+/)[0]));
      check(total > 0, 'the overview counts no clue');
      for (const dim of ['stage', 'source', 'unit', 'month'])
        check((await page.locator(`[data-test=chart-${dim}] canvas`).count()) === 1, `no ${dim} chart drawn`);
      await page.screenshot({ path: join(shots, 'office-dashboard.png'), fullPage: true });

      // A click on the tallest bar of the stage chart opens that stage's clues.
      const figures = await page.locator('[data-test^=figure-stage-]').evaluateAll((els) =>
        els.map((e) => ({ key: e.dataset.test.slice('figure-stage-'.length), count: Number(e.dataset.count) })),
      );
      check(figures.length > 0, 'no stage figures');
      const top = figures.reduce((a, b) => (b.count > a.count ? b : a));
      await page.locator('[data-test=chart-stage]').scrollIntoViewIfNeeded();
      const box = await page.locator('[data-test=chart-stage] canvas').boundingBox();
      const i = figures.indexOf(top);
      // The chart's grid (src/lib/charts.ts): 40 px left, 16 right, 56 below.
      const x = box.x + 40 + ((i + 0.5) * (box.width - 56)) / figures.length;
      const y = box.y + box.height - 56 - 2;
      await page.mouse.click(x, y);
      await waitUrl(page, new RegExp(`^/clues\\?status=${top.key}$`));
      await page.getByTestId('clue-row').first().waitFor();
      const statuses = await page.getByTestId('clue-row').evaluateAll((els) => els.map((e) => e.dataset.status));
      check(statuses.length > 0 && statuses.every((s) => s === top.key), `rows of ${top.key}: ${statuses}`);

      // The overdue figure opens the overdue clues: every row marked.
      await page.goto(`${base}/dashboard`);
      const overdue = Number(await page.getByTestId('figure-overdue').getAttribute('data-count'));
      await page.getByTestId('figure-overdue').click();
      await waitUrl(page, /^\/clues\?overdue=true$/);
      check(overdue > 0, 'the overview counts no overdue clue');
      await page.getByTestId('clue-row').first().waitFor();
      const marks = await page.getByTestId('clue-row').evaluateAll((els) => els.map((e) => e.dataset.deadline));
      check(marks.length === Math.min(overdue, 20) && marks.every((m) => m === 'overdue'), `overdue rows: ${marks}, figure ${overdue}`);
      check((await page.locator('.row-overdue').count()) === marks.length, 'overdue rows not highlighted');
      check((await page.getByTestId('deadline-tag').first().textContent()).includes('Overdue'), 'no overdue tag');
      await page.screenshot({ path: join(shots, 'office-overdue-list.png'), fullPage: true });

      // The list's controls: the overdue box off, then the same stage
      // picked in the status select.
      const listCalls = [];
      page.on('request', (r) => {
        if (r.method() === 'GET' && /\/api\/v1\/clues\?/.test(r.url())) listCalls.push(new URL(r.url()).searchParams);
      });
      await page.getByTestId('filter-overdue').click();
      await waitUrl(page, /^\/clues$/);
      await page.getByTestId('filter-status').click();
      const choice = page.locator(`[data-test=status-${top.key}]`);
      const stageName = (await choice.textContent()).trim();
      // The rows of the unfiltered list stay shown until the filtered one
      // arrives: wait for its answer, and for the rows to be its own.
      const filtered = page.waitForResponse((r) => {
        const u = new URL(r.url());
        return u.pathname === '/api/v1/clues' && u.searchParams.get('status') === top.key;
      });
      await choice.click();
      await waitUrl(page, new RegExp(`^/clues\\?status=${top.key}$`));
      await filtered;
      await page.waitForFunction(
        (key) => {
          const rows = [...document.querySelectorAll('[data-test=clue-row]')];
          return rows.length > 0 && rows.every((e) => e.dataset.status === key);
        },
        top.key,
        { timeout: 15000 },
      );
      const rows = await page.getByTestId('clue-row').evaluateAll((els) => els.map((e) => e.dataset.status));
      check(rows.length === Math.min(top.count, 20) && rows.every((s) => s === top.key), `${top.key} rows: ${rows}, figure ${top.count}`);
      const last = listCalls[listCalls.length - 1];
      check(last && last.get('status') === top.key && !last.has('overdue'), `the list API was asked ${last}`);
      // Reload keeps the filter: it lives in the URL.
      await page.reload();
      await page.getByTestId('clue-row').first().waitFor();
      const shown = await page.getByTestId('filter-status').textContent();
      check(shown.includes(stageName), `the status control shows "${shown}" after a reload, not ${stageName}`);
      await page.screenshot({ path: join(shots, 'office-list-filtered.png'), fullPage: true });

      // The case figures (GET /api/v1/cases/statistics): the case filed in
      // case_filed_from_a_clue is in lead.east's scope, so the case stage
      // chart is drawn with the six stages in order; a click on its
      // tallest bar, and the overdue case figure, open the case list
      // filtered under the names it reads, and the case list API counts
      // as many cases under that filter as the figure.
      const caseCount = (query) =>
        page.evaluate(async (q) => {
          const r = await fetch(`/api/v1/cases?limit=100&${q}`);
          if (r.status !== 200) throw new Error(`case list: ${r.status} ${await r.text()}`);
          return (await r.json()).items.length;
        }, query);
      await page.goto(`${base}/dashboard`);
      await page.locator('[data-test=chart-case-stage] canvas').waitFor();
      await chartsClickable(page);
      const caseTotal = Number(await page.getByTestId('figure-case-total').getAttribute('data-count'));
      check(caseTotal > 0, 'the overview counts no case');
      const stages = await page.locator('[data-test^=figure-case-stage-]').evaluateAll((els) =>
        els.map((e) => ({ key: e.dataset.test.slice('figure-case-stage-'.length), count: Number(e.dataset.count) })),
      );
      const six = ['filed', 'investigation', 'investigation_reported', 'review', 'disposition_decided', 'closed'];
      check(six.every((k, n) => stages[n]?.key === k), `case stages drawn: ${stages.map((f) => f.key)}`);
      check(stages.reduce((a, f) => a + f.count, 0) === caseTotal, `case stages add up to ${caseTotal}? ${JSON.stringify(stages)}`);
      await page.screenshot({ path: join(shots, 'office-dashboard-cases.png'), fullPage: true });
      const topCase = stages.reduce((a, b) => (b.count > a.count ? b : a));
      // Below the clue charts: scrolled into view, or the click misses it.
      await page.locator('[data-test=chart-case-stage]').scrollIntoViewIfNeeded();
      const caseBox = await page.locator('[data-test=chart-case-stage] canvas').boundingBox();
      const n = stages.indexOf(topCase);
      await page.mouse.click(
        caseBox.x + 40 + ((n + 0.5) * (caseBox.width - 56)) / stages.length,
        caseBox.y + caseBox.height - 56 - 2,
      );
      await waitUrl(page, new RegExp(`^/cases\\?stage=${topCase.key}$`));
      const inStage = await caseCount(`stage=${topCase.key}`);
      check(inStage === Math.min(topCase.count, 100), `${topCase.key}: the list has ${inStage} cases, the figure ${topCase.count}`);

      await page.goto(`${base}/dashboard`);
      const caseOverdue = Number(await page.getByTestId('figure-case-overdue').getAttribute('data-count'));
      await page.getByTestId('figure-case-overdue').click();
      await waitUrl(page, /^\/cases\?overdue=true$/);
      const late = await caseCount('overdue=true');
      check(late === Math.min(caseOverdue, 100), `overdue: the list has ${late} cases, the figure ${caseOverdue}`);
    },
  },
  {
    // A subject named without a person id waits for a lead: cleared as
    // nobody here, or confirmed as the account it names (which then never
    // sees the clue, by its person id).
    name: 'held_names_decided_by_a_lead',
    options: { ...DESKTOP, locale: 'en-US' },
    async run(page) {
      const token = `${shared.token}-h`;
      // cadre.east gets a person id of this run, so a name can be confirmed
      // as that person.
      const admin = await apiLogin('admin');
      const found = await apiCall(admin, 'GET', '/api/v1/people?role=cadre&q=cadre.east');
      const cadre = found.items.find((p) => p.username === 'cadre.east');
      check(cadre, 'no cadre.east in the people lookup');
      await apiCall(admin, 'PATCH', `/api/v1/accounts/${cadre.id}`, { person_id: `E2E-${token}` });
      const inspector = await apiLogin('inspector.east');
      const [cleared, confirmed] = [`甲某${token.slice(-4)}`, `乙某${token.slice(-4)}`];
      const clue = await apiCall(inspector, 'POST', '/api/v1/clues', {
        source: 'letters_visits',
        subjects: [{ name: cleared }, { name: confirmed }],
        categories: ['work'],
        summary: `姓名待确认的来信 ${token}`,
        received_date: new Date().toISOString().slice(0, 10),
        unit_code: 'east',
      });
      check(clue.held_names?.includes(cleared) && clue.held_names?.includes(confirmed), `names not held: ${clue.held_names}`);

      await signIn(page, 'lead.east', `/clues/${clue.id}`);
      const held = (n) => page.locator(`[data-test=held-name][data-name="${n}"]`);
      await held(cleared).waitFor();
      await held(cleared).getByTestId('held-clear').click();
      await held(cleared).waitFor({ state: 'detached' });
      await pickPerson(page, `hold-${confirmed}`, 'cadre', 'cadre.east');
      await held(confirmed).getByTestId('held-confirm').click();
      await held(confirmed).waitFor({ state: 'detached' });
      await page.screenshot({ path: join(shots, 'office-held-names.png'), fullPage: true });
      const after = await apiCall(inspector, 'GET', `/api/v1/clues/${clue.id}`);
      check(!after.held_names?.length, `names still held: ${after.held_names}`);
      check(
        after.subjects.some((s) => s.name === confirmed && s.person_id === `E2E-${token}`.toUpperCase()),
        `the confirmed subject has no person id: ${JSON.stringify(after.subjects)}`,
      );
    },
  },
  {
    // The case page (案件) from filing to closure: the east lead
    // joins the investigators through the people picker's "me"; the
    // inspector (the clue's handler, the first investigator) starts the
    // investigation, logs a measure and asks for the one extension, which
    // the east lead approves; the inspector submits the report; hq's lead
    // picks a reviewer who is not an investigator, adds two disposition
    // items and decides; the inspector marks both executed; the east lead
    // closes the case; the case's dossier shows every step with its chain
    // verified, and the case list finds the closed case. Filing itself is
    // set up through the API: the test above walks it in the console. The
    // people lookup lists only the caller's scope and the east unit has
    // one inspector and one lead, both investigators by the review, so the
    // reviewer is an hq account that hq's lead finds.
    name: 'case_walked_to_closure',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page, context) {
      const token = `${shared.token}-k`;
      // The reviewer's account id, to find it on the page after it was
      // picked by name.
      const r = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'inspector', password }),
      });
      check(r.ok, `login inspector: ${r.status}`);
      const reviewer = (await r.json()).user;
      const post = (path, body) =>
        page.evaluate(
          async ([p, b]) => {
            const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': localStorage.getItem('cg.csrf') };
            const r = await fetch(p, { method: 'POST', headers, body: JSON.stringify(b) });
            if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
            return r.json();
          },
          [path, body],
        );

      await signIn(page, 'inspector.east', '/clues');
      const clue = await post('/api/v1/clues', {
        source: 'letters_visits',
        subjects: [{ name: '张某', position: '物资采购主管' }],
        categories: ['integrity'],
        summary: `工程款结算中收受好处费 ${token}`,
        received_date: new Date().toISOString().slice(0, 10),
        unit_code: 'east',
      });
      await post(`/api/v1/clues/${clue.id}/disposal`, { way: 'propose_filing', reason: '初核证据充分，建议立案' });
      await signOut(page);
      await signIn(page, 'lead.east', '/clues');
      const leadEast = await page.evaluate(() => fetch('/api/v1/auth/me').then((a) => a.json()));
      await post(`/api/v1/clues/${clue.id}/disposal/approve`, {});
      const filed = await post(`/api/v1/clues/${clue.id}/file`, {});
      const caseUrl = `/cases/${filed.case_id}`;

      const stage = (s) => page.locator(`[data-test=case-stage][data-stage=${s}]`).waitFor();
      const openStep = (a) => page.getByTestId(`step-${a}`).click();
      const submitStep = async () => {
        await page.getByTestId('step-submit').click();
        await page.getByTestId('step-form').waitFor({ state: 'detached' });
      };
      const pick = (name, text, username) => pickPerson(page, name, text, username);
      let sent = 0;
      page.on('request', (q) => {
        if (q.method() === 'POST' && q.url().includes('/api/v1/cases/')) sent++;
      });

      // Filed (立案): the lead names a second investigator with the people
      // picker; the steps bar and the stage say where the case is, with no
      // deadline yet.
      await page.goto(`${base}${caseUrl}`);
      await stage('filed');
      check((await page.getByTestId('case-progress').getAttribute('data-stage')) === 'filed', 'steps bar stage');
      check((await page.getByTestId('case-deadline').getAttribute('data-state')) === 'none', 'a deadline in filed');
      check(!(await page.getByTestId('step-start_review').count()), 'review offered in filed');
      await openStep('add_investigator');
      // Nobody picked, then the current investigator picked by name: both
      // refused in place, nothing sent. The east lead's picker offers the
      // east inspector and neither hq's nor the west's.
      const beforeTeam = sent;
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      await pick('investigator_id', '纪检监察员', 'inspector.east');
      check(!(await page.locator('[data-test="person-inspector"]').count()), "the east lead's picker offers hq's inspector");
      check(!(await page.locator('[data-test="person-inspector.west"]').count()), "the east lead's picker offers a west inspector");
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').filter({ hasText: '调查组' }).waitFor();
      check(sent === beforeTeam, 'an empty or current investigator was sent');
      // "Me" names the lead, shown by name in the picker.
      await page.getByTestId('investigator_id-me').click();
      await page.getByTestId('picker-investigator_id').filter({ hasText: '华东纪检组长' }).waitFor();
      await submitStep();
      await page.locator(`[data-test=investigator][data-id="${leadEast.id}"]`).waitFor();
      check((await page.getByTestId('investigator').count()) === 2, 'two investigators');
      // Both by name, the handler first: no account id on the page's team.
      await checkNamed(page.locator(`[data-test=investigator][data-id="${leadEast.id}"]`), leadEast.display_name, 'the lead investigator');
      await checkNamed(page.getByTestId('investigator').first(), '华东纪检监察员', 'the first investigator');
      await page.screenshot({ path: join(shots, 'case-1-filed.png'), fullPage: true });
      await signOut(page);

      // Investigation (审查调查): the handler starts it, its deadline runs;
      // the report waits for a measure; an empty measure is refused in place.
      await signIn(page, 'inspector.east', caseUrl);
      check(!(await page.getByTestId('step-add_investigator').count()), 'an inspector names investigators');
      await openStep('start_investigation');
      await submitStep();
      await stage('investigation');
      check((await page.getByTestId('case-deadline').getAttribute('data-state')) === 'on_time', 'no running deadline');
      check(!(await page.getByTestId('step-submit_report').count()), 'report offered before a measure');
      await openStep('log_measure');
      await page.locator('textarea[name=summary]').fill('');
      const before = sent;
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(sent === before, 'an empty measure was sent');
      await page.getByTestId('measure-talk').click();
      await page.locator('input[name=who]').fill('王五、赵六');
      await page.locator('textarea[name=summary]').fill('与张某谈话，核实收受好处费经过');
      await submitStep();
      await page.getByTestId('measures').locator('tbody tr').filter({ hasText: '王五、赵六' }).waitFor();
      await openStep('request_extension');
      await page.locator('input[name=days]').fill('400');
      await page.locator('textarea[name=reason]').fill('需补充调取银行流水');
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').filter({ hasText: '365' }).waitFor();
      await page.locator('input[name=days]').fill('30');
      await submitStep();
      await page.locator('[data-test=extension][data-state=pending]').waitFor();
      // The requester does not decide: no approve button for them.
      check(!(await page.getByTestId('step-approve_extension').count()), 'approve shown to the requester');
      await signOut(page);

      await signIn(page, 'lead.east', caseUrl);
      await openStep('approve_extension');
      await submitStep();
      await page.locator('[data-test=extension][data-state=approved]').waitFor();
      await checkNamed(page.getByTestId('extension-requester'), '华东纪检监察员', 'the extension requester');
      await signOut(page);

      await signIn(page, 'inspector.east', caseUrl);
      await openStep('submit_report');
      await page.locator('textarea[name=report]').fill('经查，张某在工程款结算中收受供应商好处费，事实清楚，证据确实充分。');
      await submitStep();
      await stage('investigation_reported');
      await page.getByTestId('case-report').waitFor();
      await page.screenshot({ path: join(shots, 'case-2-reported.png'), fullPage: true });
      await signOut(page);

      // Review (审理): hq's lead picks the reviewer. Nobody picked, and an
      // investigator picked, are refused in place with nothing sent; two
      // items are added, the form changing with the kind; a second tab
      // still in review meets the decision's 409.
      await signIn(page, 'lead', caseUrl);
      await openStep('start_review');
      const beforeReview = sent;
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      await pick('reviewer_id', '纪检监察员', 'inspector.east');
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').filter({ hasText: '调查组' }).waitFor();
      check(sent === beforeReview, 'no reviewer, or an investigator as reviewer, was sent');
      await pick('reviewer_id', '纪检监察员', 'inspector');
      await submitStep();
      await stage('review');
      await checkNamed(page.getByTestId('case-reviewer'), reviewer.display_name, 'the reviewer');
      check((await page.getByTestId('case-deadline').getAttribute('data-state')) === 'on_time', 'no review deadline');
      await openStep('add_item');
      await page.getByTestId('kind-party_discipline').click();
      check(!(await page.locator('input[name=amount]').count()), 'an amount asked for party discipline');
      await page.getByTestId('item-measure-serious_warning').click();
      await page.getByTestId('subject-张某').click();
      await submitStep();
      await openStep('add_item');
      await page.getByTestId('kind-illicit_gains').click();
      check(!(await page.getByTestId('item-measure-warning').count()), 'a measure asked for illicit gains');
      await page.getByTestId('subject-张某').click();
      await page.locator('input[name=amount]').fill('12,345.6');
      await submitStep();
      await page.getByTestId('item').filter({ hasText: '¥12,345.60' }).waitFor();
      check((await page.getByTestId('item').count()) === 2, 'two items');
      const stale = await context.newPage();
      await stale.goto(`${base}${caseUrl}`);
      await stale.getByTestId('step-add_item').click();
      await page.screenshot({ path: join(shots, 'case-3-review.png'), fullPage: true });
      await openStep('decide_disposition');
      await submitStep();
      await stage('disposition_decided');
      await stale.getByTestId('kind-transfer_judicial').click();
      await stale.getByTestId('subject-张某').click();
      await stale.getByTestId('step-submit').click();
      const refused = await stale.getByTestId('step-refused').textContent();
      check(refused.includes('disposition_decided') && refused.includes('review'), `409 reason shown: ${refused}`);
      await stale.close();
      check(!(await page.getByTestId('step-close').count()), 'close offered with items not executed');
      await signOut(page);

      // Disposition (处置决定): the investigator marks both items executed.
      await signIn(page, 'inspector.east', caseUrl);
      for (let i = 0; i < 2; i++) {
        await page.getByTestId('item-execute_item').first().click();
        await page.locator('textarea[name=note]').fill(i === 0 ? '已宣布处分决定' : '款项已上缴');
        await submitStep();
      }
      await page.locator('[data-test=item][data-executed=true]').nth(1).waitFor();
      check(!(await page.getByTestId('item-execute_item').count()), 'execute offered on executed items');
      await page.screenshot({ path: join(shots, 'case-4-executed.png'), fullPage: true });
      await signOut(page);

      // Closure (结案), and the dossier holds every step, its chain whole.
      await signIn(page, 'lead.east', caseUrl);
      await openStep('close');
      await submitStep();
      await stage('closed');
      await page.getByTestId('case-closed').waitFor();
      check(!(await page.getByTestId('case-steps').count()), 'steps offered on a closed case');
      await page.getByTestId('dossier-entry').filter({ hasText: '处分/处理事项已执行' }).first().waitFor();
      const actions = await page.getByTestId('dossier-entry').evaluateAll((els) => els.map((e) => e.dataset.action));
      for (const a of [
        'case.filed',
        'case.investigator_added',
        'case.measure_logged',
        'case.extension_requested',
        'case.extension_approved',
        'case.item_added',
        'case.item_executed',
        'case.stage_changed',
      ])
        check(actions.includes(a), `no ${a} in the timeline: ${actions.join(', ')}`);
      await page.getByTestId('chain-verified').waitFor();
      await page.screenshot({ path: join(shots, 'case-5-closed.png'), fullPage: true });

      // The case list finds it among the closed ones, from a link.
      await page.goto(`${base}/cases?stage=closed&q=${encodeURIComponent(token)}`);
      const row = page.getByTestId('case-row').filter({ hasText: token });
      await row.waitFor();
      check((await page.getByTestId('case-row').count()) === 1, 'the list found more than the one case');
      await checkNamed(page.getByTestId('case-table').locator('tbody tr').first(), '华东纪检监察员', "the list's investigators");
      await page.screenshot({ path: join(shots, 'case-list.png'), fullPage: true });
      await row.click();
      await waitUrl(page, new RegExp(`${caseUrl}$`));
      await stage('closed');
      // The switch turns the case page into English, steps bar included.
      await page.getByTestId('lang-switch').selectOption('en');
      await page.getByTestId('case-stage').filter({ hasText: 'Case closed' }).waitFor();
      const steps = await page.getByTestId('case-progress').textContent();
      check(steps.includes('Investigation') && steps.includes('Closure'), `steps bar in English: ${steps}`);
    },
  },
  {
    name: 'language_switch',
    options: { ...DESKTOP, locale: 'en-US' },
    async run(page) {
      await page.goto(`${base}/login`);
      await page.locator('input[name=username]').fill('auditor');
      await page.locator('input[name=password]').fill(password);
      await page.getByTestId('login-submit').click();
      await waitUrl(page, /\/clues$/);
      const nav = page.locator('.el-menu-item').first();
      check((await nav.textContent()).trim() === 'Clues', `menu in English: ${await nav.textContent()}`);
      await page.getByTestId('lang-switch').selectOption('zh-CN');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      check((await nav.textContent()).trim() === '问题线索', `menu in Chinese: ${await nav.textContent()}`);
      // The choice is kept across loads, over the browser's language.
      await page.reload();
      await page.locator('.el-menu-item').first().waitFor();
      check((await page.locator('.el-menu-item').first().textContent()).trim() === '问题线索', 'choice not kept');
      await page.screenshot({ path: join(shots, 'office-chinese.png'), fullPage: true });
      await page.getByTestId('logout').click();
      await waitUrl(page, /\/login$/);
      await page.getByTestId('lang-switch').selectOption('en');
      check((await page.locator('h1').textContent()).trim() === 'Sign in', 'login page not in English');
      await page.screenshot({ path: join(shots, 'office-logged-out.png'), fullPage: true });
    },
  },
  {
    // Rectification (整改) in the console, in Chinese: the hq lead registers
    // a batch, a problem and a task for city_a; the east unit's leader
    // lands on its workbench, plans two measures, uploads a PDF to the
    // task's file, adds it as evidence for both and requests closure; the
    // hq inspector accepts for the office, the lead for the inspection
    // group and closes the task off.
    name: 'rectification_walked_to_closure',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = `e2e-${randomBytes(6).toString('hex')}`;
      await signIn(page, 'lead', '/rectify/batches');
      await page.getByTestId('new-batch').click();
      // An empty form is refused in place and nothing is sent.
      let batches = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/v1/rectify/batches')) batches++;
      });
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(batches === 0, 'an empty batch was sent');
      await page.getByTestId('batch-source').click();
      await page.locator('[data-test="source-inspection_tour"]').filter({ hasText: '巡视' }).click();
      await page.locator('input[name=title]').fill(`2026年第一轮巡视反馈 ${token}`);
      await page.locator('input[name=unit_code]').fill('east');
      await page.locator('input[name=feedback_on]').fill(day(-5));
      await page.locator('input[name=oversight]').fill('集团纪检监察组');
      await page.locator('input[name=source_ref]').fill(`XS-${token}`);
      await page.getByTestId('step-submit').click();
      await waitUrl(page, /\/rectify\/batches\/[0-9a-f-]{36}$/);
      check(batches === 1, `${batches} batches sent`);
      const batchUrl = new URL(page.url()).pathname;
      await page.getByTestId('batch-detail').filter({ hasText: '巡视' }).waitFor();

      await page.getByTestId('add-problem').click();
      await page.locator('textarea[name=description]').fill('物资采购未按规定公开招标');
      await page.getByTestId('severity-serious').click();
      await page.getByTestId('step-submit').click();
      await page.getByTestId('problem-row').filter({ hasText: '公开招标' }).waitFor();
      await page.getByTestId('add-task-1').click();
      await page.locator('textarea[name=text]').fill(`重新组织招标并完善采购制度 ${token}`);
      await page.locator('input[name=unit_code]').fill('city_a');
      await page.locator('input[name=leader]').fill('王副总经理');
      await page.locator('input[name=first_responsible]').fill('李总经理');
      await page.getByTestId('step-submit').click();
      await page.getByTestId('task-row').filter({ hasText: token }).waitFor();
      await page.getByTestId('add-responsibility').click();
      await page.locator('input[name=person]').fill('李总经理');
      await page.locator('input[name=duty]').fill('第一责任人');
      await page.getByTestId('step-submit').click();
      await page.getByTestId('responsibilities').filter({ hasText: '第一责任人' }).waitFor();
      await page.screenshot({ path: join(shots, 'rectify-1-batch.png'), fullPage: true });
      await page.getByTestId('task-row').filter({ hasText: token }).click();
      await waitUrl(page, /\/rectify\/tasks\/[0-9a-f-]{36}$/);
      const taskUrl = new URL(page.url()).pathname;
      await page.locator('[data-test=task-stage][data-stage=assigned]').waitFor();
      check(!(await page.getByTestId('step-plan').count()), 'the office is offered the plan');
      await signOut(page);

      // The unit leader lands on the workbench, its task among the open ones.
      await page.goto(`${base}/login`);
      await page.locator('input[name=username]').fill('unitlead.east');
      await page.locator('input[name=password]').fill(password);
      await page.getByTestId('login-submit').click();
      await waitUrl(page, /\/rectify$/);
      await page.getByTestId('task-row').filter({ hasText: token }).waitFor();
      const assigned = Number(await page.locator('[data-test=stage-count][data-stage=assigned]').getAttribute('data-count'));
      check(assigned >= 1, `assigned count ${assigned}`);
      const menu = await page.locator('.el-menu-item').allTextContents();
      check(!menu.some((m) => m.includes('整改批次')), `the unit leader's menu: ${menu.join(', ')}`);
      await page.screenshot({ path: join(shots, 'rectify-2-workbench.png'), fullPage: true });
      await page.getByTestId('task-row').filter({ hasText: token }).click();
      await waitUrl(page, new RegExp(`${taskUrl}$`));
      await page.getByTestId('step-plan').click();
      // An empty measure is refused in place, before anything is sent.
      let plans = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/plan')) plans++;
      });
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(plans === 0, 'an empty plan was sent');
      await page.locator('textarea[name=measure-0]').fill('终止违规合同');
      await page.locator('input[name=milestone-0]').fill(day(10));
      await page.getByTestId('add-measure').click();
      await page.locator('textarea[name=measure-1]').fill('重新公开招标');
      await page.locator('input[name=milestone-1]').fill(day(20));
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=task-stage][data-stage=in_progress]').waitFor();
      check(plans === 1, `${plans} plans sent`);
      check((await page.getByTestId('measures').locator('tbody tr').count()) === 2, 'the plan does not show two measures');

      await page.getByTestId('upload-input').setInputFiles({ name: '整改会议纪要.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByTestId('document-link').filter({ hasText: '整改会议纪要.pdf' }).waitFor();
      for (const seq of [1, 2]) {
        await page.getByTestId('step-add_evidence').click();
        await page.getByTestId(`evidence-measure-${seq}`).click();
        await page.locator('textarea[name=description]').fill(`措施${seq}的会议纪要`);
        await page.getByTestId('step-submit').click();
        await page.getByTestId('step-form').waitFor({ state: 'detached' });
      }
      const counts = await page.getByTestId('measure-evidence').evaluateAll((els) => els.map((e) => e.dataset.count));
      check(counts.join() === '1,1', `evidence per measure: ${counts.join()}`);
      check((await page.getByTestId('evidence-link').count()) === 2, 'two evidence rows expected');
      await page.getByTestId('step-request_closure').click();
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=task-stage][data-stage=closure_requested]').waitFor();
      check(!(await page.getByTestId('step-verify').count()), 'the asker is offered to verify');
      await page.screenshot({ path: join(shots, 'rectify-3-requested.png'), fullPage: true });
      await signOut(page);

      // The office accepts: the inspector for the office...
      await signIn(page, 'inspector', taskUrl);
      await page.getByTestId('step-verify').click();
      await page.getByTestId('party-office').click();
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=verdict][data-party=office][data-verdict=accepted]').waitFor();
      check(!(await page.getByTestId('step-verify').count()), 'the inspector is offered the second party too');
      await signOut(page);

      // ...the lead for the inspection group, and closes the task off.
      await signIn(page, 'lead', taskUrl);
      await page.getByTestId('step-verify').click();
      check(!(await page.getByTestId('party-office').count()), 'the office offered again');
      await page.getByTestId('party-inspection_group').click();
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=task-stage][data-stage=verified]').waitFor();
      await page.getByTestId('step-close').click();
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=task-stage][data-stage=closed]').waitFor();
      await page.getByTestId('task-closed').waitFor();
      check((await page.getByTestId('task-stage').textContent()).includes('已销号'), 'the stage is not 已销号');
      // The task's file: every step in the timeline, the chain verified, and
      // the evidence downloads byte for byte.
      await page.getByTestId('chain-verified').waitFor();
      await page.locator('[data-test=dossier-entry][data-action="task.closed"]').waitFor();
      const actions = await page.getByTestId('dossier-entry').evaluateAll((els) => els.map((e) => e.dataset.action));
      for (const a of ['task.assigned', 'task.planned', 'document.added', 'task.evidence_added', 'task.closure_requested', 'task.accepted', 'task.closed'])
        check(actions.includes(a), `no ${a} in the timeline: ${actions.join(', ')}`);
      const href = await page.getByTestId('evidence-link').first().getAttribute('href');
      const bytes = await page.evaluate((h) => fetch(h).then((r) => r.arrayBuffer()).then((b) => b.byteLength), href);
      check(bytes === PDF.length, `downloaded ${bytes} bytes, uploaded ${PDF.length}`);
      await page.screenshot({ path: join(shots, 'rectify-4-closed.png'), fullPage: true });

      // The ledger finds it among the closed tasks; the batch counts it closed.
      await page.goto(`${base}/rectify/tasks?stage=closed&q=${token}`);
      await page.locator('[data-test=task-row][data-stage=closed]').filter({ hasText: token }).waitFor();
      check((await page.getByTestId('task-row').count()) === 1, 'the ledger lists more than the one task');
      await page.screenshot({ path: join(shots, 'rectify-5-ledger.png'), fullPage: true });
      await page.goto(`${base}${batchUrl}`);
      await page.locator('[data-test=task-row][data-stage=closed]').waitFor();
    },
  },
  {
    // A closed task (walked to closure through the API) drawn for a re-check
    // on the re-check page, then found relapsed (整改反弹) from the task
    // page: it reopens in progress, counted relapsed, and the ledger's
    // relapsed filter lists it, as does its CSV export.
    name: 'rectification_relapse',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = `e2e-${randomBytes(6).toString('hex')}`;
      const { batch, task } = await closedTaskFixture(token);
      await signIn(page, 'lead', '/rectify/rechecks');
      await page.locator('input[name=unit_code]').fill('city_a');
      await page.locator('input[name=batch_id]').fill(batch.id);
      await page.locator('input[name=share_percent]').fill('100');
      await page.locator('input[name=seed]').fill(token);
      await page.getByTestId('draw-submit').click();
      const result = page.getByTestId('draw-result');
      await result.waitFor();
      check(Number(await result.getAttribute('data-drawn')) === 1, `drawn ${await result.getAttribute('data-drawn')}`);
      check((await page.getByTestId('draw-seed').textContent()) === token, 'the seed is not shown');
      await page.locator('[data-test=task-row-recheck][data-state=pending]').first().waitFor();
      await page.getByTestId('task-row').filter({ hasText: token }).waitFor();
      await page.screenshot({ path: join(shots, 'rectify-6-rechecks.png'), fullPage: true });

      await page.getByTestId('task-row').filter({ hasText: token }).click();
      await waitUrl(page, new RegExp(`/rectify/tasks/${task.id}$`));
      await page.locator('[data-test=task-recheck][data-state=pending]').waitFor();
      check((await page.getByTestId('task-recheck-due').count()) === 1, 'no re-check due day');
      await page.getByTestId('step-relapse').click();
      // An empty finding is refused in place and nothing is sent.
      let relapses = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/relapse')) relapses++;
      });
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(relapses === 0, 'an empty finding was sent');
      await page.locator('textarea[name=finding]').fill('回头看发现仍有未经审批用车');
      await page.locator('input[name=deadline_on]').fill(day(30));
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=task-stage][data-stage=in_progress]').waitFor();
      check(relapses === 1, `${relapses} relapses sent`);
      await page.locator('[data-test=task-recheck][data-state=relapsed]').waitFor();
      check((await page.getByTestId('task-relapse-count').getAttribute('data-count')) === '1', 'relapse count not 1');
      check(!(await page.getByTestId('step-relapse').count()), 'a relapse offered on an open task');
      await page.locator('[data-test=dossier-entry][data-action="task.relapsed"]').waitFor();
      await page.screenshot({ path: join(shots, 'rectify-7-relapsed.png'), fullPage: true });

      // The ledger: the relapsed box writes the URL and the row says relapsed.
      await page.goto(`${base}/rectify/tasks?q=${token}`);
      await page.getByTestId('task-row').filter({ hasText: token }).waitFor();
      await page.getByTestId('filter-relapsed').click();
      await waitUrl(page, /relapsed=true/);
      const row = page.locator('tr', { has: page.getByTestId('task-row').filter({ hasText: token }) });
      await row.getByTestId('task-row-relapsed').waitFor();
      check((await page.getByTestId('task-row').count()) === 1, 'the relapsed ledger lists more than the task');
      const href = await page.getByTestId('export-csv').getAttribute('href');
      check(href.includes('relapsed=true') && href.includes('format=csv'), `export link ${href}`);
      const csv = await page.evaluate((h) => fetch(h).then((r) => r.text()), href);
      check(csv.includes(token) && csv.includes('整改中'), `the export does not list the task in progress: ${csv.slice(0, 300)}`);
      await page.screenshot({ path: join(shots, 'rectify-8-ledger-relapsed.png'), fullPage: true });
    },
  },
  {
    // A task whose deadline passes climbs the escalation ladder with the
    // test clock (tests/integration/rectify_loops.c): reminded, warned as
    // overdue with a final deadline, and past that proposed for
    // accountability, which the case service registers as a clue.
    name: 'rectification_ladder_to_clue',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = `e2e-${randomBytes(6).toString('hex')}`;
      const { lead, task } = await rectifyFixture(token, day(2));
      const get = () => apiCall(lead, 'GET', `/api/v1/rectify/tasks/${task.id}`);
      try {
        await eventually(async () => (await get()).ladder?.includes('reminded'), 'reminded');
        rectifyClock(3);
        const warned = await eventually(async () => {
          const t = await get();
          return t.ladder?.includes('overdue_warned') && t;
        }, 'warned as overdue');
        check(warned.final_deadline_on > warned.deadline_on, `final deadline ${warned.final_deadline_on}`);
        // Past the final deadline (15 days after the deadline).
        rectifyClock(3 + 16);
        await eventually(async () => (await get()).accountability_clue_id, 'the clue linked to the task');
      } finally {
        rectifyClock(0);
      }
      await signIn(page, 'lead', `/rectify/tasks/${task.id}`);
      for (const rung of ['reminded', 'overdue_warned', 'accountability_proposed'])
        await page.locator(`[data-test=ladder-rung][data-rung=${rung}][data-reached=true]`).waitFor();
      check((await page.getByTestId('ladder-final').textContent()).includes('最终期限'), 'no final deadline shown');
      await page.screenshot({ path: join(shots, 'rectify-9-ladder.png'), fullPage: true });
      await page.getByTestId('ladder-clue').click();
      await waitUrl(page, /\/clues\/[0-9a-f-]{36}$/);
      await page.locator('[data-test=clue-source][data-source=rectification]').filter({ hasText: '整改问责' }).waitFor();
      check((await page.getByTestId('clue-detail').textContent()).includes(token), 'the clue does not name the task');
      await page.screenshot({ path: join(shots, 'rectify-10-clue.png'), fullPage: true });
    },
  },
  {
    // A batch's lists from a CSV file: a file with a unit outside the
    // batch's inspected unit is refused whole, its line named; the file put
    // right is imported and the lists show it.
    name: 'rectification_csv_import',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = `e2e-${randomBytes(6).toString('hex')}`;
      const lead = await apiLogin('lead');
      const batch = await apiCall(lead, 'POST', '/api/v1/rectify/batches', {
        source: 'audit',
        source_ref: `SJ-${token}`,
        title: `审计整改 ${token}`,
        unit_code: 'east',
        feedback_on: day(-1),
      });
      const header = '问题序号,问题描述,问题类别,严重程度,整改任务,责任单位代码,责任领导,整改期限';
      const rows = (unit) => [
        `1,差旅费报销超标准 ${token},财务,一般,清退超标准费用,city_a,钱副总经理,${day(30)}`,
        `1,差旅费报销超标准 ${token},财务,一般,修订差旅管理办法,${unit},钱副总经理,`,
        `2,"未按规定""三重一大""决策",决策,较重,完善决策程序 ${token},east,孙总经理,${day(45)}`,
      ];
      const csv = (unit) => Buffer.from(`\ufeff${[header, ...rows(unit)].join('\r\n')}\r\n`);
      await signIn(page, 'lead', `/rectify/batches/${batch.id}`);
      await page.getByTestId('open-import').click();
      await page.getByTestId('import').waitFor();
      check((await page.getByTestId('import').textContent()).includes('责任单位代码'), 'no help of the columns');
      const download = page.waitForEvent('download');
      await page.getByTestId('import-template').click();
      const template = await download;
      check(template.suggestedFilename().endsWith('.csv'), `template ${template.suggestedFilename()}`);

      await page.getByTestId('import-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: csv('west') });
      await page.locator('[data-test=import-note][data-failed=true]').waitFor();
      await page.locator('[data-test=import-error-line][data-line="3"]').waitFor();
      check((await page.getByTestId('import-errors').textContent()).includes('west'), 'the error does not name the unit');
      check((await page.getByTestId('problem-row').count()) === 0, 'a refused file added problems');
      await page.screenshot({ path: join(shots, 'rectify-11-import-refused.png'), fullPage: true });

      await page.getByTestId('import-input').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: csv('city_a') });
      await page.locator('[data-test=import-note][data-failed=false]').waitFor();
      check((await page.getByTestId('import-errors').count()) === 0, 'errors still shown');
      await page.getByTestId('problem-row').filter({ hasText: '三重一大' }).waitFor();
      check((await page.getByTestId('problem-row').count()) === 2, 'two problems expected');
      await page.getByTestId('task-row').filter({ hasText: token }).first().waitFor();
      check((await page.getByTestId('task-row').count()) === 3, 'three tasks expected');
      await page.screenshot({ path: join(shots, 'rectify-12-imported.png'), fullPage: true });
    },
  },
  {
    // The cadre's own yearly report (个人有关事项报告): cadre.east lands on
    // its integrity file, opens the report of a year it has not reported,
    // has an empty submission and a wrong credit code refused in place with
    // nothing sent, answers every item (housing and salary with entries,
    // the rest none) and submits: one save and one submission, the report
    // then read only with its correction offered.
    name: 'integrity_cadre_submits_report',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const { lead, cadreId } = await demoCadreFile();
      const year = await freeReportYear(lead, cadreId);
      await page.goto(`${base}/login`);
      await page.locator('input[name=username]').fill('cadre.east');
      await page.locator('input[name=password]').fill(password);
      await page.getByTestId('login-submit').click();
      await waitUrl(page, /\/integrity\/me$/);
      await page.locator('[data-test=cadre-header][data-person="HR-CADRE.EAST"]').waitFor();
      const menu = await page.locator('.el-menu-item').allTextContents();
      check(menu.length === 2 && !menu.some((m) => m.includes('问题线索')), `the cadre's menu: ${menu.join(', ')}`);
      await page.screenshot({ path: join(shots, 'integrity-1-mine.png'), fullPage: true });
      await page.getByTestId('open-my-report').click();
      await waitUrl(page, /\/integrity\/me\/report$/);
      await page.locator('input[name=year]').fill(String(year));
      await page.getByTestId('open-year').click();
      await waitUrl(page, new RegExp(`/integrity/me/report\\?year=${year}$`));
      await page.getByTestId('report-state').waitFor();
      const state = await page.getByTestId('report-state').getAttribute('data-state');
      check(state === 'new' || state === 'draft', `the report of ${year} is ${state}`);

      let saves = 0;
      let submits = 0;
      page.on('request', (r) => {
        if (r.method() === 'PUT' && r.url().endsWith('/api/v1/integrity/me/report')) saves++;
        if (r.method() === 'POST' && r.url().endsWith('/api/v1/integrity/me/report/submit')) submits++;
      });
      // Nothing answered yet (a report started from last year's has every
      // item answered, so one is cleared): refused in place.
      const items = await page.getByTestId('report-item').evaluateAll((els) => els.map((e) => e.dataset.item));
      check(items.length === 15, `${items.length} items in the form`);
      if (state === 'draft' || (await page.locator('[data-test=report-item][data-answer=""]').count()) === 0) {
        await page.getByTestId('answer-company_stakes-entries').click();
        await page.locator('input[name="company_stakes.0.credit_code"]').fill('');
      }
      await page.getByTestId('submit-report').click();
      await page.locator('[data-test=report-note][data-failed=true]').waitFor();
      await page.locator('.el-form-item__error, [data-test=item-error]').first().waitFor();

      for (const item of items) {
        const entries = item === 'housing' || item === 'salary' || item === 'company_stakes';
        await page.getByTestId(`answer-${item}-${entries ? 'entries' : 'none'}`).click();
      }
      // Only the first entry of an item started from last year's is kept.
      for (const item of ['housing', 'salary', 'company_stakes'])
        while (await page.getByTestId(`remove-entry-${item}-1`).count()) await page.getByTestId(`remove-entry-${item}-1`).click();
      await page.locator('input[name="housing.0.owner"]').fill('本人');
      await page.locator('input[name="housing.0.address"]').fill('A市幸福路1号');
      await page.locator('input[name="housing.0.area_m2"]').fill('80');
      await page.locator('input[name="salary.0.annual_yuan"]').fill('260000');
      // A company named with a wrong credit code: refused beside the field.
      await page.locator('input[name="company_stakes.0.holder"]').fill('配偶');
      await page.locator('input[name="company_stakes.0.company"]').fill('华东物资贸易有限公司');
      await page.locator('input[name="company_stakes.0.credit_code"]').fill('91350100M000100Y44');
      await page.locator('input[name="company_stakes.0.share_percent"]').fill('30');
      await page.getByTestId('submit-report').click();
      await page.locator('.el-form-item__error').filter({ hasText: '统一社会信用代码' }).waitFor();
      check(saves === 0 && submits === 0, `an invalid report was sent (${saves} saves, ${submits} submissions)`);
      await page.screenshot({ path: join(shots, 'integrity-2-report-refused.png'), fullPage: true });
      // The stake is not the cadre's to report after all: none.
      await page.getByTestId('answer-company_stakes-none').click();
      await page.getByTestId('submit-report').click();
      await page.locator('[data-test=report-state][data-state=submitted]').waitFor();
      check(saves === 1 && submits === 1, `${saves} saves and ${submits} submissions`);
      check(!(await page.getByTestId('submit-report').count()), 'a submitted report is still editable');
      await page.getByTestId('correct-report').waitFor();
      await page.locator('[data-test=report-view-item][data-item=housing][data-answer=entries]').waitFor();
      await page.locator('[data-test=report-view-item][data-item=company_stakes][data-answer=none]').waitFor();
      await page.screenshot({ path: join(shots, 'integrity-3-report-submitted.png'), fullPage: true });
      shared.reportYear = year;
    },
  },
  {
    // A case's sanctions reach the file (处分记入廉政档案): lead.east opens
    // a file in the console (an empty form refused in place, nothing sent)
    // and adds the cadre's spouse with a company (a wrong credit code
    // refused beside it); a case about that person is decided in review
    // through the API with a party warning and a government demerit; the
    // file, found in the people list, shows both discipline records from
    // the case once the integrity service took the case's event, each in
    // its influence period, the header counting them, and the file's
    // dossier says the system added them.
    name: 'integrity_case_sanction_in_file',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = randomBytes(5).toString('hex').toUpperCase();
      const person = `E2E-S${token}`;
      await signIn(page, 'lead.east', '/integrity/cadres');
      let posts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/v1/integrity/')) posts++;
      });
      await page.getByTestId('new-cadre').click();
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(posts === 0, 'an empty file was sent');
      await page.locator('[data-test=cadre-form] input[name=person_id]').fill(person);
      await page.locator('[data-test=cadre-form] input[name=name]').fill(`受处分干部${token.slice(-4)}`);
      await page.locator('[data-test=cadre-form] input[name=unit_code]').fill('city_a');
      await page.locator('[data-test=cadre-form] input[name=position]').fill('物资部主任');
      await page.getByTestId('step-submit').click();
      await waitUrl(page, /\/integrity\/cadres\/[0-9a-f-]{36}$/);
      await page.locator(`[data-test=cadre-header][data-person="${person}"]`).waitFor();
      check(posts === 1, `${posts} files sent`);
      await page.getByTestId('add-relative').click();
      await page.locator('[data-test=step-form] input[name=name]').fill('李某');
      await page.getByTestId('relative-relation').click();
      await page.locator('[data-test=relation-spouse]:visible').click();
      await page.getByTestId('add-business').click();
      await page.locator('input[name="businesses[0].company"]').fill('华东物资贸易有限公司');
      await page.locator('input[name="businesses[0].credit_code"]').fill('91350100M000100Y44');
      await page.getByTestId('business-role-0').click();
      await page.locator('[data-test=role-shareholder]:visible').click();
      await page.locator('input[name="businesses[0].share_percent"]').fill('30');
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').filter({ hasText: '统一社会信用代码' }).waitFor();
      check(posts === 1, 'a relative with a wrong credit code was sent');
      await page.locator('input[name="businesses[0].credit_code"]').fill('91350100m000100y43');
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=business][data-code="91350100M000100Y43"]').waitFor();
      check(posts === 2, `${posts} calls sent`);

      await decidedCase(person, token);
      await page.goto(`${base}/integrity/cadres`);
      await page.locator('input[name=q]').fill(person);
      await page.getByTestId('cadre-apply').click();
      await waitUrl(page, new RegExp(`/integrity/cadres\\?q=${person}$`));
      await page.locator(`[data-test=cadre-row][data-person="${person}"]`).click();
      await waitUrl(page, /\/integrity\/cadres\/[0-9a-f-]{36}$/);
      const record = (kind) => page.locator(`[data-test=record-row][data-section=discipline][data-kind=${kind}]`);
      const deadline = Date.now() + 30000;
      while (!(await record('government_sanction').count()) || !(await record('party_discipline').count())) {
        check(Date.now() < deadline, 'the case\'s sanctions are not in the file after 30 s');
        await page.waitForTimeout(1000);
        await page.reload();
        await page.getByTestId('cadre-header').waitFor();
      }
      const discipline = page.locator('[data-test=record-section][data-section=discipline]');
      check((await discipline.getByTestId('in-effect').count()) === 2, 'the sanctions are not both in effect');
      const text = await discipline.textContent();
      check(text.includes('记过') && text.includes('警告') && text.includes('案件处分'), `the discipline section: ${text}`);
      check((await page.getByTestId('sanctions-in-effect').textContent()).includes('2'), 'the header does not count two sanctions');
      check((await discipline.getByTestId('record-origin').count()) === 2, 'the records do not link to their case');
      await page.screenshot({ path: join(shots, 'integrity-4-sanction.png'), fullPage: true });
      await page.locator('.el-tabs__item', { hasText: '电子档案' }).click();
      await page.getByTestId('chain-verified').waitFor();
      // A round of the unit (the demo data's) may have reminded the new
      // file too: the sanctions are the records of the discipline section.
      const added = page.locator('[data-test=dossier-entry][data-action="record.added"]').filter({ hasText: '处分/问责' });
      await added.first().waitFor();
      check((await added.count()) === 2, `${await added.count()} sanctions added in the dossier`);
      const by = await added.getByTestId('dossier-sentence').allTextContents();
      check(by.every((x) => x.startsWith('系统')), `the sanctions are not the system's: ${by.join(' / ')}`);
    },
  },
  {
    // A verification (查核) finds a concealed company: lead.east draws the
    // year of the demo cadre's submitted report with its file picked as a
    // key case (a promotion candidate), opens the verification, has a
    // reference record with a wrong credit code refused in place with
    // nothing sent, records the spouse's stake in a company as the company
    // register shows it, compares (the report answered the item "none":
    // a concealment, 瞒报, the reported side "not reported"), confirms all
    // and concludes; the result is concealment and the file says so.
    name: 'integrity_verification_finds_concealment',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const year = await submittedReportYear();
      const token = `e2e-${randomBytes(4).toString('hex')}`;
      await signIn(page, 'lead.east', '/integrity/verifications');
      await page.getByTestId('new-draw').click();
      const draw = page.getByTestId('draw-form');
      await draw.locator('input[name=year]').fill(String(year));
      await draw.locator('input[name=unit_code]').fill('city_a');
      await draw.locator('input[name=share_percent]').fill('1');
      await draw.locator('input[name=seed]').fill(token);
      await page.getByTestId('add-key-cadre').click();
      await page.getByTestId('key-cadre-0').click();
      await page.keyboard.type('HR-CADRE.EAST');
      await page.locator('[data-test="key-option-HR-CADRE.EAST"]:visible').click();
      await page.getByTestId('step-submit').click();
      const result = page.getByTestId('draw-result');
      await result.waitFor();
      check((await result.getAttribute('data-by-key')) === '1', `key cases drawn: ${await result.getAttribute('data-by-key')}`);
      check((await page.getByTestId('draw-seed').textContent()) === token, 'the seed is not shown');
      await waitUrl(page, new RegExp(`/integrity/verifications\\?year=${year}$`));
      await page.screenshot({ path: join(shots, 'integrity-5-draw.png'), fullPage: true });
      await page.locator('[data-test=verification-row][data-person="HR-CADRE.EAST"]').click();
      await waitUrl(page, /\/integrity\/verifications\/[0-9a-f-]{36}$/);
      await page.locator('[data-test=verification][data-state=drawn]').waitFor();
      check(!(await page.getByTestId('compare').count()), 'a comparison offered with nothing to compare with');

      let posts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/v1/integrity/')) posts++;
      });
      await page.getByTestId('add-reference').click();
      await page.getByTestId('reference-item').click();
      await page.locator('[data-test=reference-item-company_stakes]:visible').click();
      await page.locator('input[name="ref.holder"]').fill('配偶');
      await page.locator('input[name="ref.company"]').fill('华东物资贸易有限公司');
      await page.locator('input[name="ref.credit_code"]').fill('91350100M000100Y44');
      await page.locator('input[name="ref.share_percent"]').fill('30');
      await page.locator('[data-test=step-form] input[name=note]').fill('企业信用信息公示系统');
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').filter({ hasText: '统一社会信用代码' }).waitFor();
      check(posts === 0, 'a reference record with a wrong credit code was sent');
      await page.locator('input[name="ref.credit_code"]').fill('91350100M000100Y43');
      await page.getByTestId('step-submit').click();
      await page.locator('[data-test=reference-row][data-item=company_stakes]').waitFor();

      await page.getByTestId('compare').click();
      const finding = page.locator('[data-test=finding][data-item=company_stakes]');
      await finding.waitFor();
      check((await finding.getAttribute('data-kind')) === 'concealment', `the company is ${await finding.getAttribute('data-kind')}`);
      const side = await finding.getByTestId('side-by-side').textContent();
      check(side.includes('未报告') && side.includes('91350100M000100Y43'), `side by side: ${side}`);
      await page.screenshot({ path: join(shots, 'integrity-6-findings.png'), fullPage: true });
      check(!(await page.getByTestId('conclude').count()), 'a conclusion offered before the verdicts');
      await page.getByTestId('confirm-all').click();
      await page.locator('[data-test=finding][data-verdict=""]').first().waitFor({ state: 'detached' });
      await page.getByTestId('conclude').click();
      await page.locator('[data-test=verification][data-state=concluded][data-result=concealment]').waitFor();
      check((await page.getByTestId('verification-result').textContent()).includes('瞒报'), 'the result is not 瞒报');
      await page.screenshot({ path: join(shots, 'integrity-7-concluded.png'), fullPage: true });
      await page.getByTestId('verification-file').click();
      await waitUrl(page, /\/integrity\/cadres\/[0-9a-f-]{36}$/);
      const records = page.locator('[data-test=record-section][data-section=verification]');
      await records.filter({ hasText: `${year}年度` }).filter({ hasText: '瞒报' }).waitFor();

      // The year's figures count it, and the figure opens the verifications
      // of the year with that result, as many as it counts.
      await page.goto(`${base}/integrity/overview?year=${year}`);
      const figure = page.getByTestId('figure-result-concealment');
      await figure.waitFor();
      const counted = Number(await figure.getAttribute('data-count'));
      check(counted >= 1, `the concealment figure counts ${counted}`);
      await figure.click();
      await waitUrl(page, new RegExp(`/integrity/verifications\\?year=${year}&result=concealment$`));
      await page.locator('[data-test=verification-row][data-person="HR-CADRE.EAST"]').waitFor();
      check((await page.getByTestId('verification-row').count()) === counted, 'the list does not hold what the figure counts');
    },
  },
  {
    // The integrity opinion for a promotion (廉洁意见回复), signed with an
    // objection: a candidate's file with a demerit decided today (through
    // the API); hr.east lands on the opinion requests, has an empty
    // request refused in place with nothing sent, asks about the candidate
    // (the person id typed in small letters) and reads no proposal, no
    // grounds, only that the answer awaits the office; lead.east opens the
    // request, reads the proposed objection and the sanction it rests on,
    // has empty words refused, words it and signs; hr.east reads the signed
    // objection with its words and who signed, and prints the letter.
    name: 'integrity_opinion_signed_with_objection',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = randomBytes(5).toString('hex').toUpperCase();
      const person = `E2E-O${token}`;
      const name = `拟提拔干部${token.slice(-4)}`;
      const lead = await apiLogin('lead.east');
      const { cadre } = await apiCall(lead, 'POST', '/api/v1/integrity/cadres', { person_id: person, name, unit_code: 'city_a', position: '物资部副主任' });
      await apiCall(lead, 'POST', `/api/v1/integrity/cadres/${cadre.id}/records`, {
        section: 'discipline',
        title: '记过处分',
        happened_on: day(0),
        kind: 'government_sanction',
        measure: 'demerit',
      });

      await page.goto(`${base}/login`);
      await page.locator('input[name=username]').fill('hr.east');
      await page.locator('input[name=password]').fill(password);
      await page.getByTestId('login-submit').click();
      await waitUrl(page, /\/integrity\/opinions$/);
      const menu = await page.locator('.el-menu-item').allTextContents();
      check(menu.length === 1 && menu[0].includes('廉洁意见回复'), `HR's menu: ${menu.join(', ')}`);
      let posts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/v1/integrity/opinion-requests')) posts++;
      });
      await page.getByTestId('new-opinion-request').click();
      await page.getByTestId('step-submit').click();
      await page.locator('.el-form-item__error').first().waitFor();
      check(posts === 0, 'an empty request was sent');
      await page.locator('textarea[name=person_ids]').fill(person.toLowerCase());
      await page.locator('textarea[name=note]').fill(`干部选拔 ${token}`);
      await page.getByTestId('step-submit').click();
      await waitUrl(page, /\/integrity\/opinions\/[0-9a-f-]{36}$/);
      const requestUrl = new URL(page.url()).pathname;
      const opinion = page.locator(`[data-test=opinion][data-person="${person}"]`);
      await opinion.locator('[data-test=opinion-awaiting]').waitFor();
      check((await opinion.getAttribute('data-state')) === 'proposed', 'the opinion is not awaiting its signature');
      check(!(await opinion.getByTestId('opinion-proposal').count()) && !(await opinion.getByTestId('opinion-basis').count()), 'HR reads the proposal');
      check(!(await opinion.getByTestId('sign-opinion').count()), 'HR is offered to sign');
      check(posts === 1, `${posts} requests sent`);
      await page.screenshot({ path: join(shots, 'integrity-8-hr-request.png'), fullPage: true });
      await signOut(page);

      await signIn(page, 'lead.east', requestUrl);
      await opinion.locator('[data-test=opinion-proposal][data-proposed=objection]').waitFor();
      check((await opinion.getByTestId('basis-sanction').textContent()).includes('记过'), 'the grounds do not name the demerit');
      check((await opinion.getAttribute('data-conclusion')) === 'objection', 'the opinion to sign is not the objection');
      await opinion.getByTestId('edit-opinion').click();
      await opinion.locator('textarea[name=text]').fill('');
      await opinion.getByTestId('save-sign-opinion').click();
      await opinion.locator('.el-form-item__error').first().waitFor();
      const words = `该同志受记过处分，尚在处分影响期内，有不同意见。${token}`;
      await opinion.locator('textarea[name=text]').fill(words);
      await opinion.getByTestId('save-sign-opinion').click();
      await page.locator(`[data-test=opinion][data-person="${person}"][data-state=signed]`).waitFor();
      await page.screenshot({ path: join(shots, 'integrity-9-signed.png'), fullPage: true });
      await signOut(page);

      await signIn(page, 'hr.east', requestUrl);
      const signed = page.locator(`[data-test=opinion][data-person="${person}"][data-state=signed]`);
      await signed.waitFor();
      check((await signed.getByTestId('opinion-conclusion').textContent()).includes('有不同意见'), 'HR does not read the objection');
      check((await signed.getByTestId('opinion-text').textContent()) === words, 'HR does not read the signed words');
      await checkNamed(signed.getByTestId('opinion-signed'), '华东纪检组长', 'the signer');
      check(!(await signed.getByTestId('opinion-basis').count()), 'HR reads the grounds');
      const letter = await signed.getByTestId('opinion-print').getAttribute('href');
      await page.goto(`${base}${letter}`);
      await page.locator('[data-test=letter-conclusion][data-conclusion=objection]').waitFor();
      check((await page.getByTestId('letter-name').textContent()) === name, 'the letter does not name the candidate');
      check((await page.getByTestId('letter-text').textContent()) === words, 'the letter does not hold the signed words');
      await page.screenshot({ path: join(shots, 'integrity-10-letter.png'), fullPage: true });
    },
  },
  {
    // Generated enterprise events raise a risk alert whose explanation
    // names its inputs, and the alert becomes a clue: a claim its claimant
    // approved (self_approval, heavy) and a clean one by the same person
    // are published through cg-publish; lead.east finds the alert in the
    // list (its unit by name), reads the hit's inputs (claimant, approver,
    // the amount in yuan), has the escalation's dialog and sends it; the
    // alert then links to the clue the case service registered, which
    // opens with source 风险预警 and names the person. Every id is new in
    // each run, so a second run on the same stack passes too.
    name: 'risk_alert_explained_and_escalated',
    options: { ...DESKTOP, locale: 'zh-CN' },
    async run(page) {
      const token = randomBytes(5).toString('hex').toUpperCase();
      const person = `E2E-R${token}`;
      const name = `报销人${token.slice(-4)}`;
      const amountFen = 300000 + (parseInt(token.slice(0, 4), 16) % 100000) * 7;
      const yuan = `${Math.floor(amountFen / 100).toLocaleString('en-US')}.${String(amountFen % 100).padStart(2, '0')}`;
      publishEvents([
        expenseClaim(token, 1, { unit: 'city_a', claimant: { person_id: person, name }, approver: { person_id: `E2E-A${token}`, name: '审批人' }, amountFen: 12000, daysAgo: 4 }),
        expenseClaim(token, 2, { unit: 'city_a', claimant: { person_id: person, name }, approver: { person_id: person, name }, amountFen, daysAgo: 2 }),
      ]);
      const lead = await apiLogin('lead.east');
      const raised = await personAlert(lead, person);
      check(raised.indicators.length === 1 && raised.indicators[0] === 'self_approval', `the alert's indicators: ${raised.indicators}`);

      // Units are named by what the risk answers carry: no unit lookup.
      let lookups = 0;
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/public/units/')) lookups++;
      });
      await signIn(page, 'lead.east', '/risk/alerts');
      const row = page.locator(`[data-test=risk-alert-row][data-entity="${person}"]`);
      await row.waitFor();
      check((await row.textContent()).includes(name), 'the alert is not listed by the person’s name');
      const tr = page.locator('.el-table__row').filter({ has: row });
      await tr.locator('[data-test=risk-unit][data-unit=city_a]').filter({ hasText: 'A市供电公司' }).waitFor();
      await page.screenshot({ path: join(shots, 'risk-1-alerts.png'), fullPage: true });
      await row.click();
      await waitUrl(page, new RegExp(`^/risk/alerts/${raised.id}$`));
      await page.locator(`[data-test=risk-alert][data-id="${raised.id}"][data-status=new]`).waitFor();
      await page.locator('[data-test=risk-alert] [data-test=risk-unit][data-unit=city_a]').filter({ hasText: 'A市供电公司' }).waitFor();

      // The explanation: the hit and what made it fire.
      const hits = page.locator('[data-test=risk-hit]');
      check((await hits.count()) === 1, `${await hits.count()} hits explained`);
      const hit = page.locator('[data-test=risk-hit][data-indicator=self_approval]');
      check((await hit.textContent()).includes('自批自报'), 'the hit is not named by its indicator');
      const input = (key) => hit.locator(`[data-input="${key}"]`).textContent();
      check((await input('claimant.person_id')) === person, `claimant ${await input('claimant.person_id')}`);
      check((await input('approver.person_id')) === person, `approver ${await input('approver.person_id')}`);
      check((await input('claimant.name')) === name, `claimant's name ${await input('claimant.name')}`);
      check((await input('amount_fen')) === yuan, `amount ${await input('amount_fen')}, not ${yuan}`);
      check((await hit.textContent()).includes(`BX-E2E-${token}-2`), 'the hit does not name its claim');
      const facts = await page.getByTestId('risk-fact').count();
      check(facts === 1, `${facts} facts behind the alert`);
      await page.screenshot({ path: join(shots, 'risk-2-explained.png'), fullPage: true });

      // Escalated through its dialog, it links to its clue once registered.
      await page.getByTestId('risk-action-escalate').click();
      const dialog = page.locator('.el-dialog').filter({ has: page.getByTestId('risk-action-submit') });
      await dialog.waitFor();
      await dialog.locator('textarea[name=reason]').fill(`自批自报，转为问题线索 ${token}`);
      await page.getByTestId('risk-action-submit').click();
      await page.locator(`[data-test=risk-alert][data-id="${raised.id}"][data-status=escalated]`).waitFor();
      await dialog.waitFor({ state: 'hidden' });
      check(!(await page.locator('[data-test=risk-actions] button').count()), 'actions offered on an escalated alert');
      const link = page.getByTestId('risk-clue-link');
      await link.waitFor({ timeout: 30000 });
      const history = await page.getByTestId('risk-history').textContent();
      check(history.includes(token), 'the history does not hold the escalation’s reason');
      const times = await page.locator('[data-test=risk-history] .el-table__row td:first-child').allTextContents();
      check(times.length === 2 && times.every((t) => /\d{4}\/\d{2}\/\d{2}/.test(t)), `the history's times: ${times}`);
      // Who acted, by name: the service raised it, the lead escalated it.
      check(!UUID.test(history), `an account id in the history: ${history}`);
      check(history.includes('华东纪检组长'), `the history does not name the lead: ${history}`);
      await page.screenshot({ path: join(shots, 'risk-3-escalated.png'), fullPage: true });
      const clueHref = await link.getAttribute('href');
      check(/^\/clues\/[0-9a-f-]{36}$/.test(clueHref), `the clue link ${clueHref}`);
      // Named by its register number, as the office knows a clue.
      await link.filter({ hasText: /XS-\d{4}-city_a-\d{5}/ }).waitFor();
      await link.click();
      await waitUrl(page, /^\/clues\/[0-9a-f-]{36}$/);
      await page.locator('[data-test=clue-source][data-source=risk_alert]').filter({ hasText: '风险预警' }).waitFor();
      check((await page.getByTestId('clue-detail').textContent()).includes(person), 'the clue does not name the person');
      await page.screenshot({ path: join(shots, 'risk-4-clue.png'), fullPage: true });
      const after = await apiCall(lead, 'GET', `/api/v1/risk/alerts/${raised.id}`);
      check(after.status === 'escalated' && `/clues/${after.clue_id}` === clueHref, `the alert's clue ${after.clue_id}`);
      check(after.unit_path === 'hq.east.city_a' && after.unit_name_zh === 'A市供电公司', `the alert's unit ${after.unit_path} ${after.unit_name_zh}`);
      check(lookups === 0, `${lookups} unit lookups on the risk pages`);
    },
  },
  {
    // The risk overview's heat map of the org tree and the pages it
    // opens: a claim its claimant approved in city_b gives that unit a
    // score; lead.east reads the units by name under the heat map (city_b
    // as City B Power Supply Co., no code), a click on the heat map opens
    // the alerts of the unit clicked, and city_b's figure the alerts of
    // city_b, among them this run's with its unit by name; the person's
    // page shows the score and the hit, city_b's page the unit by name;
    // the indicators page counts self_approval's hits, alerts and clues
    // as the API does, and its precision.
    name: 'risk_heat_map_entity_and_indicators',
    options: { ...DESKTOP, locale: 'en-US' },
    async run(page) {
      const token = randomBytes(5).toString('hex').toUpperCase();
      const person = `E2E-H${token}`;
      publishEvents([
        expenseClaim(token, 1, { unit: 'city_b', claimant: { person_id: person, name: `Claimant ${token}` }, approver: { person_id: person }, amountFen: 256000, daysAgo: 3 }),
      ]);
      const lead = await apiLogin('lead.east');
      const raised = await personAlert(lead, person);
      const overview = await apiCall(lead, 'GET', '/api/v1/risk/overview');
      const keys = new Set(['east', ...overview.units.map((u) => u.key)]);
      check(keys.has('city_b'), `the overview's units: ${[...keys]}`);
      const b = overview.units.find((u) => u.key === 'city_b');
      check(b.unit_path === 'hq.east.city_b' && b.unit_name === 'City B Power Supply Co.', `city_b in the overview: ${JSON.stringify(b)}`);

      let lookups = 0;
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/public/units/')) lookups++;
      });
      await signIn(page, 'lead.east', '/risk');
      await page.locator('[data-test=risk-heat-map] canvas').waitFor();
      await page.locator('[data-test=risk-units] .el-loading-mask').waitFor({ state: 'detached' }).catch(() => {});
      const cityB = page.locator('[data-test=risk-units] [data-test=risk-figure][data-key=city_b]');
      await cityB.locator('[data-test=risk-unit-name]').filter({ hasText: 'City B Power Supply Co.' }).waitFor();
      const names = await page.locator('[data-test=risk-units] [data-test=risk-unit-name]').allTextContents();
      check(names.length === overview.units.length, `${names.length} units listed, ${overview.units.length} scored`);
      check(!names.some((n) => /^[a-z0-9_]+$/.test(n.trim())), `units shown by code: ${names.join(', ')}`);
      await page.screenshot({ path: join(shots, 'risk-5-heat-map.png'), fullPage: true });

      // A click inside the heat map opens the alerts of the unit clicked:
      // off centre, since two cells of equal score meet in the middle.
      const box = await page.locator('[data-test=risk-heat-map] canvas').boundingBox();
      await page.mouse.click(box.x + box.width * 0.37, box.y + box.height * 0.55);
      await waitUrl(page, /^\/risk\/alerts\?unit_code=[a-z0-9_]+$/);
      const clicked = new URL(page.url()).searchParams.get('unit_code');
      check(keys.has(clicked), `the heat map opened ${clicked}, not one of ${[...keys]}`);
      await page.locator(`[data-test=risk-unit-filter] [data-test=risk-unit][data-unit=${clicked}]`).waitFor();
      check(!/^[a-z0-9_]+$/.test((await page.locator('[data-test=risk-unit-filter] [data-test=risk-unit]').textContent()).trim()), 'the filtered unit is shown by code');

      // city_b's figure opens city_b's alerts, this run's among them.
      await page.goto(`${base}/risk`);
      await cityB.click();
      await waitUrl(page, /^\/risk\/alerts\?unit_code=city_b$/);
      const row = page.locator(`[data-test=risk-alert-row][data-entity="${person}"]`);
      await row.waitFor();
      const tr = page.locator('.el-table__row').filter({ has: row });
      await tr.locator('[data-test=risk-unit][data-unit=city_b]').filter({ hasText: 'City B Power Supply Co.' }).waitFor();
      const units = await page.locator('[data-test=risk-alert-table] [data-test=risk-unit]').evaluateAll((els) => els.map((e) => e.dataset.unit));
      check(units.length > 0 && units.every((u) => u === 'city_b'), `units listed under city_b: ${units}`);
      await page.screenshot({ path: join(shots, 'risk-6-unit-alerts.png'), fullPage: true });

      // The person's page: the score and the hit.
      await row.click();
      await waitUrl(page, new RegExp(`^/risk/alerts/${raised.id}$`));
      await page.getByTestId('risk-entity-link').click();
      await waitUrl(page, new RegExp(`^/risk/entities/person/${person}$`));
      await page.locator(`[data-test=risk-entity][data-kind=person][data-id="${person}"]`).waitFor();
      check((await page.getByTestId('risk-score').textContent()).trim() === '0.8', `the person's score ${await page.getByTestId('risk-score').textContent()}`);
      await page.locator('[data-test=risk-entity-hits] [data-test=risk-hit][data-indicator=self_approval]').waitFor();
      await page.locator('[data-test=risk-entity] [data-test=risk-unit][data-unit=city_b]').filter({ hasText: 'City B Power Supply Co.' }).waitFor();
      await page.locator(`[data-test=risk-entity-alerts] [data-test=risk-alert-row][data-id="${raised.id}"]`).waitFor();
      await page.screenshot({ path: join(shots, 'risk-7-person.png'), fullPage: true });

      // city_b's own page names it.
      await page.goto(`${base}/risk/entities/unit/city_b`);
      await page.locator('[data-test=risk-entity][data-kind=unit][data-id=city_b]').waitFor();
      await page.locator('h1').filter({ hasText: 'City B Power Supply Co.' }).waitFor();
      check(lookups === 0, `${lookups} unit lookups on the risk pages`);

      // The indicators page counts as the API does.
      const { items } = await apiCall(lead, 'GET', '/api/v1/risk/indicators');
      const self = items.find((i) => i.code === 'self_approval');
      check(self && self.hits >= 1 && self.alerts >= 1, `self_approval counts ${JSON.stringify(self)}`);
      await page.goto(`${base}/risk/indicators`);
      const counts = page.locator('[data-test=risk-counts][data-code=self_approval]');
      await counts.waitFor();
      for (const k of ['hits', 'alerts', 'clues', 'confirmed']) {
        const shown = Number(await counts.getAttribute(`data-${k}`));
        check(shown >= self[k], `self_approval's ${k}: ${shown} shown, ${self[k]} counted before`);
      }
      const precision = (await page.locator('[data-test=risk-precision][data-code=self_approval]').textContent()).trim();
      const clues = Number(await counts.getAttribute('data-clues'));
      check(clues ? /^\d+(\.\d)?%$/.test(precision) : precision === '—', `precision ${precision} of ${clues} clues`);
      await page.screenshot({ path: join(shots, 'risk-8-indicators.png'), fullPage: true });
    },
  },
];

selectors.setTestIdAttribute('data-test');
const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    // CI containers often have a 64 MB /dev/shm, too small for a renderer.
    '--disable-dev-shm-usage',
  ],
});
let failed = 0;
try {
  const only = (process.env.CG_E2E_ONLY ?? '').split(',').filter(Boolean);
  for (const test of tests) {
    if (only.length && !only.includes(test.name)) continue;
    const context = await browser.newContext(test.options);
    const page = await context.newPage();
    const violations = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    // Every 401 the pages of this test met, with what the gateway said, so
    // that a session seen ending mid-run (docs/web.md) names its call.
    const unauthorized = [];
    const started = Date.now();
    context.on('response', async (r) => {
      if (r.status() !== 401) return;
      const detail = await r.text().catch(() => '');
      const sent = await r.request().headerValue('cookie').catch(() => null);
      unauthorized.push(
        `${Date.now() - started} ms ${r.request().method()} ${new URL(r.url()).pathname}` +
          ` cookie ${sent ? 'sent' : 'absent'}: ${detail.slice(0, 160)}`,
      );
    });
    try {
      await test.run(page, context);
      check(violations.length === 0, `CSP violations or page errors:\n  ${violations.join('\n  ')}`);
      console.log(`ok   ${test.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      const shot = join(shots, `${test.name}-failed.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.log(`FAIL ${test.name}: ${e.message}\n     at ${page.url()}\n     screenshot ${shot}`);
      if (unauthorized.length) console.log(`     401 answers met:\n       ${unauthorized.join('\n       ')}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`web_e2e: screenshots in ${shots}`);
process.exit(failed ? 1 : 0);
