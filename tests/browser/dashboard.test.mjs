// The operator dashboard in Debian's Chromium, headless, driven by
// playwright-core: log in, see the fleet, watch a kiosk go offline when its
// agent stops, send a command and see the kiosk acknowledge it, all in
// Vietnamese (the default); then the same pages in English. Screenshots
// go to --screens DIR.
//
//   node dashboard.test.mjs --url https://127.0.0.1:PORT --user NAME --password-file F
//        --screens DIR --stop-pid PID --kiosk ID --offline-kiosk ID
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const password = readFileSync(args['password-file'], 'utf8').trim();
mkdirSync(args.screens, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
// The gateway's certificate is from the development CA.
const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const shot = (name) => page.screenshot({ path: `${args.screens}/${name}.png`, fullPage: true });
const step = (text) => console.log(`dashboard: ${text}`);

// The fleet and kiosk pages refresh themselves; a reload that meets one of
// those navigations (or a renderer swap after a redirect) is tried again.
async function reload() {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(page.url(), { waitUntil: 'load' });
      return;
    } catch (error) {
      if (attempt === 5) throw error;
      await page.waitForTimeout(250);
    }
  }
}

async function waitFor(check, what, seconds = 20) {
  for (let i = 0; i < seconds * 2; i++) {
    await reload();
    if (await check().catch(() => false)) return;
    await page.waitForTimeout(500);
  }
  await shot(`failed-${what.replace(/\W+/g, '-')}`);
  throw new Error(`timed out waiting for ${what}`);
}

try {
  // Without a session, the login page.
  await page.goto(`${args.url}/fleet`);
  assert.match(page.url(), /\/login$/);
  await page.fill('input[name=user]', args.user);
  await page.fill('input[name=password]', 'not the password');
  await page.click('button[type=submit]');
  assert.equal(await page.locator('[role=alert]').count(), 1);
  assert.match(await page.locator('[role=alert]').innerText(), /Sai tài khoản hoặc mật khẩu/);
  await shot('01-login-refused');
  await page.fill('input[name=user]', args.user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(/\/fleet$/, { waitUntil: 'load' }), page.click('button[type=submit]')]);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'kiosk_session');
  assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Strict');
  step('logged in');

  // The fleet at a glance: both kiosks online.
  const row = (id) => page.locator(`tr[data-kiosk="${id}"]`);
  await waitFor(async () =>
    (await row(args.kiosk).getAttribute('data-status')) === 'online' &&
    (await row(args['offline-kiosk']).getAttribute('data-status')) === 'online', 'both kiosks online');
  const started = Date.now();
  await page.goto(`${args.url}/fleet`);
  const loadMs = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return Math.round(nav.loadEventEnd - nav.startTime);
  });
  step(`fleet page loaded in ${loadMs} ms (navigation timing; ${Date.now() - started} ms wall)`);
  assert.equal(await page.locator('#online').innerText(), '2');
  // Vietnamese, in Vietnam's time and words: no English, no codes, no UTC.
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  const fleetText = await page.locator('body').innerText();
  for (const english of ['Log out', 'Kiosks', 'Alerts', 'online', 'Last heartbeat', 'all ok']) {
    assert.ok(!fleetText.includes(english), `English left on the fleet page: ${english}`);
  }
  assert.doesNotMatch(fleetText, /\d{4}-\d{2}-\d{2}T\d{2}:/);
  assert.match(fleetText, /Phường An Mỹ/);
  assert.match(fleetText, /Đăng xuất/);
  await shot('02-fleet-online');

  // Filter by commune.
  await page.selectOption('select[name=commune]', args['offline-commune']);
  await page.click('form[action="/fleet"] button');
  assert.equal(await page.locator('tbody tr').count(), 1);
  assert.equal(await row(args['offline-kiosk']).count(), 1);
  await shot('03-fleet-filtered');
  step('filtered by commune');

  // One kiosk's agent stops: the kiosk shows offline, with an alert.
  process.kill(Number(args['stop-pid']), 'SIGTERM');
  await page.goto(`${args.url}/fleet`);
  await waitFor(async () => (await row(args['offline-kiosk']).getAttribute('data-status')) === 'offline',
    'the stopped kiosk to show offline');
  assert.equal(await page.locator(`li[data-alert="offline"][data-kiosk="${args['offline-kiosk']}"]`).count(), 1);
  assert.equal(await row(args.kiosk).getAttribute('data-status'), 'online');
  await shot('04-kiosk-offline');
  step('the stopped kiosk shows offline');

  // A command, issued and acknowledged.
  await page.click(`a[href="/fleet/kiosks/${args.kiosk}"]`);
  await page.selectOption('#kind', 'maintenance_on');
  await page.click('#send');
  assert.match(await page.locator('.notice').innerText(), /đã được xếp hàng/);
  await shot('05-command-queued');
  await page.goto(`${args.url}/fleet/kiosks/${args.kiosk}`);
  await waitFor(async () => (await page.locator('tr[data-command] >> nth=0').getAttribute('data-state')) === 'done',
    'the command to be acknowledged');
  assert.match(await page.locator('tr[data-command] >> nth=0').innerText(), /tạm ngừng phục vụ/);
  await waitFor(async () => (await page.locator('#status').innerText()).includes('tạm ngừng phục vụ'),
    'the next heartbeat to report maintenance');
  const kioskText = await page.locator('main').innerText();
  assert.doesNotMatch(kioskText, /\{"agent"|\d{4}-\d{2}-\d{2}T\d{2}:/);
  assert.match(kioskText, /Phiên bản: /);
  await shot('06-command-acknowledged');
  step('maintenance_on acknowledged by the kiosk');

  // A forged form with the session's cookie but without its token is refused
  // (the page's own CSP would not even let a script send it).
  const forged = await context.request.post(`${args.url}/fleet/kiosks/${args.kiosk}/commands`, {
    form: { kind: 'reboot', csrf: '0'.repeat(64) }, maxRedirects: 0 });
  assert.equal(forged.status(), 403);
  step('a form without the CSRF token is refused');

  // Re-provisioning: the operator's re-enroll token for this kiosk only.
  await page.goto(`${args.url}/fleet/kiosks/${args.kiosk}`);
  await page.click('#reenroll');
  assert.match(await page.locator('#token').innerText(), /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.match(await page.locator('main').innerText(), new RegExp(`cài đặt lại ki-ốt ${args.kiosk}`, 'i'));
  await shot('07-reenroll-token');
  step('a re-enroll token issued for this kiosk');

  // The figures a commune's chairman reports.
  await page.goto(`${args.url}/fleet/figures`);
  assert.match(await page.locator('main h1').innerText(), /Số liệu/);
  assert.match(await page.locator('#dossiers').innerText(), /Hồ sơ tiếp nhận\s*\d+/);
  assert.equal(await page.locator('#per-day').count(), 1);
  await shot('08-figures-vi');
  step('the figures page, in Vietnamese');

  // English on request, kept while browsing, and back.
  await page.goto(`${args.url}/fleet`);
  await page.click('#language');
  await page.waitForLoadState('load');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('header').innerText(), /Log out/);
  await shot('09-fleet-en');
  await page.goto(`${args.url}/fleet/figures`);
  assert.match(await page.locator('#dossiers').innerText(), /Dossiers received/);
  await shot('10-figures-en');
  await page.goto(`${args.url}/fleet/kiosks/${args.kiosk}`);
  assert.match(await page.locator('#status').innerText(), /out of service/);
  await shot('11-kiosk-en');
  await page.click('#language');
  await page.waitForLoadState('load');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  step('English on request, and back to Vietnamese');

  // A login posted from another site (no login cookie) is refused.
  const crossSite = await context.request.post(`${args.url}/login`, {
    form: { user: args.user, password, csrf: 'f'.repeat(64) }, maxRedirects: 0 });
  assert.equal(crossSite.status(), 403);
  step('a login form without its own token is refused');
  console.log(JSON.stringify({ fleet_page_load_ms: loadMs }));
} finally {
  await browser.close();
}
