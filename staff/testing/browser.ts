/**
 * Opens a page the project writes (the experiments' gallery, reports) in a real headless Chromium and
 * reports what a person would see broken: images that did not load and links that lead nowhere.
 * The browser is Debian's `chromium` (or EX5_CHROMIUM); tests that need it are skipped where it is
 * missing, unless EX5_REQUIRE_BROWSER=1 (CI), where its absence is an error.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch } from 'puppeteer-core';

/** The little of the DOM that the page-side function below uses (the project compiles without the DOM lib). */
declare const document: {
  images: ArrayLike<{ src: string; naturalWidth: number }>;
  querySelectorAll(selector: string): ArrayLike<{ href: string }>;
};

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser's path, or undefined when there is none (and none is required). */
export function findBrowser(): string | undefined {
  const found = [process.env.EX5_CHROMIUM, ...CANDIDATES].find((file) => file && existsSync(file));
  if (!found && process.env.EX5_REQUIRE_BROWSER === '1')
    throw new Error(
      `EX5_REQUIRE_BROWSER=1 but no browser found (tried EX5_CHROMIUM, ${CANDIDATES.join(', ')}): ` +
        'apt-get install chromium',
    );
  return found;
}

/** `describe` where a browser is installed, else `describe.skip` (the skip shows in Jest's summary). */
export function describeWithBrowser(name: string, tests: () => void): void {
  (findBrowser() ? describe : describe.skip)(name, tests);
}

export interface PageReport {
  /** Images whose file did not load (naturalWidth 0), by their src. */
  brokenImages: string[];
  /** Links to a file that does not exist, or to anything off this machine. */
  brokenLinks: string[];
  imageCount: number;
  linkCount: number;
}

/** Loads `file` in headless Chromium, waits for every image, and takes a full-page screenshot. */
export async function inspectPage(file: string, screenshot: string): Promise<PageReport> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error('no browser installed: apt-get install chromium');
  // --no-sandbox: Chromium's own sandbox cannot start as root, which CI is
  const browser = await launch({ executablePath, args: ['--no-sandbox'], headless: true });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const { images, links } = await page.evaluate(() => ({
      images: Array.from(document.images).map((img) => ({ src: img.src, loaded: img.naturalWidth > 0 })),
      links: Array.from(document.querySelectorAll('a[href]')).map((a) => a.href),
    }));
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    const brokenLinks = links.filter((href) => {
      const url = new URL(href);
      if (url.protocol !== 'file:') return true; // a report must work offline
      return !existsSync(fileURLToPath(url));
    });
    return {
      brokenImages: images.filter((image) => !image.loaded).map((image) => relative(file, image.src)),
      brokenLinks: brokenLinks.map((href) => relative(file, href)),
      imageCount: images.length,
      linkCount: links.length,
    };
  } finally {
    await browser.close();
  }
}

function relative(page: string, href: string): string {
  return href.startsWith('file:')
    ? path.relative(path.dirname(page), fileURLToPath(href.split('#')[0]))
    : href;
}
