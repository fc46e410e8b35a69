// Before `npm test`: the tests need Debian's Chromium (test tools cannot download browsers here).
// Installs it with apt-get when it is missing and we are root; otherwise says what to do.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath as path } from './chromium.mjs';

if (!existsSync(path)) {
  if (process.getuid?.() === 0) {
    console.log(`${path} is missing: installing Debian's chromium…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync('apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium', { stdio: ['ignore', 'ignore', 'inherit'], env });
  } else {
    console.error(`No Chromium at ${path}. Install it (Debian: sudo apt-get install chromium) or set CHROME_PATH.`);
    process.exit(1);
  }
}
