// The operator's view of load: logs in and times the fleet page in Chromium
// (navigation timing, median of 5), for gateway-load heartbeats.
//   node measure.mjs --url URL --user NAME --password-file F
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`${args.url}/login`);
  await page.fill('input[name=user]', args.user);
  await page.fill('input[name=password]', readFileSync(args['password-file'], 'utf8').trim());
  await page.click('button[type=submit]');
  for (const target of ['/fleet', '/fleet?commune=20007']) {
    const times = [];
    let rows = 0;
    for (let i = 0; i < 5; i++) {
      await page.goto(`${args.url}${target}`);
      times.push(await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return nav.loadEventEnd - nav.startTime;
      }));
      rows = await page.locator('tbody tr').count();
    }
    times.sort((a, b) => a - b);
    console.log(`  Chromium ${target.padEnd(22)} ${rows} rows; load ${Math.round(times[2])} ms median ` +
                `(min ${Math.round(times[0])}, max ${Math.round(times[4])})`);
  }
} finally {
  await browser.close();
}
