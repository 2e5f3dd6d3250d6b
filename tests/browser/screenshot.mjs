// Logs in to the operator dashboard and saves the fleet page, one kiosk's
// page and the figures page as PNG, in Vietnamese (used by `make demo`).
//   node screenshot.mjs --url URL --user NAME --password-file F --kiosk ID --out DIR
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
mkdirSync(args.out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${args.url}/login`);
  await page.fill('input[name=user]', args.user);
  await page.fill('input[name=password]', readFileSync(args['password-file'], 'utf8').trim());
  await page.click('button[type=submit]');
  const status = await page.locator(`tr[data-kiosk="${args.kiosk}"]`).getAttribute('data-status');
  await page.screenshot({ path: `${args.out}/dashboard-fleet.png`, fullPage: true });
  await page.goto(`${args.url}/fleet/kiosks/${args.kiosk}`);
  await page.screenshot({ path: `${args.out}/dashboard-kiosk.png`, fullPage: true });
  await page.goto(`${args.url}/fleet/figures`);
  const dossiers = await page.locator('#dossiers b').innerText();
  await page.screenshot({ path: `${args.out}/dashboard-figures.png`, fullPage: true });
  console.log(`the figures page counts ${dossiers} dossiers this week`);
  console.log(`${args.kiosk} is ${status} on the dashboard`);
} finally {
  await browser.close();
}
