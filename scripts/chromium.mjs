// How every tool here launches Debian's Chromium (tests, examples, screenshots, benchmarks): one
// place for the path and the flags this machine needs (root → no sandbox; no GPU; no calls home).
export const chromiumPath = process.env.CHROME_PATH || '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Puppeteer launch options, with extra flags. */
export const chromiumLaunch = (extraArgs = []) => ({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs, ...extraArgs] });
