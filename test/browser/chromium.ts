import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, which scripts/test.sh installs when it is missing (Playwright's own download can't work here). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The flags that work on these machines: the background-networking ones keep Chromium from calling Google's hosts
 * at every start (this network refuses them, many at a time). Playwright itself adds `--headless` and gives every
 * launch a new, empty user-data-dir under the temp folder.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where browser tests keep screenshots (git-ignored). */
export const ARTIFACTS_DIR = join('test-results', 'browser');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. \`npm test\` installs Debian's chromium (as root: ` +
        '`apt-get update && apt-get install -y chromium`); set CHROMIUM_PATH to use another build.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A path for an artifact under test-results/browser/, with the folder made. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
