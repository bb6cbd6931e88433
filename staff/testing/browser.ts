/**
 * Opens a page the project writes (the experiments' gallery, reports) in a real headless Chromium and
 * reports what a person would see broken: images that did not load and links that lead nowhere.
 * The browser is Debian's `chromium` (or EX5_CHROMIUM); tests that need it are skipped where it is
 * missing, unless EX5_REQUIRE_BROWSER=1 (CI), where its absence is an error.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, type Browser } from 'puppeteer-core';

/** The little of the DOM that the page-side functions below use (the project compiles without the DOM lib). */
interface PageElement {
  href: string;
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: {
  images: ArrayLike<{ src: string; naturalWidth: number }>;
  body: { innerText: string };
  querySelectorAll(selector: string): ArrayLike<PageElement>;
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
  /** Requests for anything but a local file or a data: URL, refused: a page must work offline. */
  externalRequests: string[];
  /** Messages of the dialogs (alert, confirm) the page opened: a report never should. */
  dialogs: string[];
  /** <script> elements in the page. */
  scriptCount: number;
  /** Inline <svg> elements drawn with a non-zero size. */
  svgCount: number;
  /** The page's text as shown (innerText). */
  text: string;
  /** Local files it links to, absolute, without their #fragment (every link, existing or not). */
  localLinks: string[];
}

async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error('no browser installed: apt-get install chromium');
  // --no-sandbox: Chromium's own sandbox cannot start as root, which CI is
  const browser = await launch({ executablePath, args: ['--no-sandbox'], headless: true });
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** Loads `file` in headless Chromium, waits for every image, and takes a full-page screenshot. */
export async function inspectPage(file: string, screenshot: string): Promise<PageReport> {
  return withBrowser((browser) => inspectIn(browser, file, screenshot));
}

/**
 * Opens `entry` and every local .html page reachable from it by links inside its folder, each once,
 * in one browser, with a screenshot of each in `screenshotDir` (named after its path). Returns the
 * reports by path relative to the entry's folder; a link to a missing page is in its page's brokenLinks.
 */
export async function inspectSite(entry: string, screenshotDir: string): Promise<Map<string, PageReport>> {
  const root = path.dirname(path.resolve(entry));
  const reports = new Map<string, PageReport>();
  mkdirSync(screenshotDir, { recursive: true });
  await withBrowser(async (browser) => {
    const queue = [path.resolve(entry)];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const name = path.relative(root, file);
      if (reports.has(name)) continue;
      const screenshot = path.join(
        screenshotDir,
        `${name.replaceAll(path.sep, '-').replace(/\.html$/, '')}.png`,
      );
      const report = await inspectIn(browser, file, screenshot);
      reports.set(name, report);
      for (const link of report.localLinks) {
        const inside = !path.relative(root, link).startsWith('..');
        if (inside && link.endsWith('.html') && existsSync(link)) queue.push(link);
      }
    }
  });
  return reports;
}

async function inspectIn(browser: Browser, file: string, screenshot: string): Promise<PageReport> {
  const page = await browser.newPage();
  try {
    const externalRequests: string[] = [];
    const dialogs: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith('file:') || url.startsWith('data:')) return void request.continue();
      externalRequests.push(url);
      void request.abort();
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const { images, links, scriptCount, svgCount, text } = await page.evaluate(() => ({
      images: Array.from(document.images).map((img) => ({ src: img.src, loaded: img.naturalWidth > 0 })),
      links: Array.from(document.querySelectorAll('a[href]')).map((a) => a.href),
      scriptCount: document.querySelectorAll('script').length,
      svgCount: Array.from(document.querySelectorAll('svg')).filter((svg) => {
        const box = svg.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      }).length,
      text: document.body.innerText,
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
      externalRequests,
      dialogs,
      scriptCount,
      svgCount,
      text,
      localLinks: links
        .filter((href) => href.startsWith('file:'))
        .map((href) => fileURLToPath(new URL(href))),
    };
  } finally {
    await page.close();
  }
}

function relative(page: string, href: string): string {
  return href.startsWith('file:')
    ? path.relative(path.dirname(page), fileURLToPath(href.split('#')[0]))
    : href;
}
