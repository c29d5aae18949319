// End-to-end test of the web gallery: headless Chromium (Debian's, driven by playwright-core)
// against a running lightbox (local backend, header auth) whose base URL is in
// LIGHTBOX_GALLERY_URL. Steps run in order, each building on the last; the first failure stops
// the run, and a screenshot of the page at that moment goes to the artifact directory with the
// others. `tests/gallery/run` starts the server and calls this.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.LIGHTBOX_GALLERY_URL;
const ARTIFACTS = process.env.LIGHTBOX_GALLERY_ARTIFACTS;
const CHROMIUM = process.env.LIGHTBOX_CHROMIUM || "/usr/bin/chromium";
const USER = "gallery-e2e";
const SCROLL_USER = "gallery-scroll";
const TIMEOUT = 15_000;

if (!BASE || !ARTIFACTS) {
  console.error("LIGHTBOX_GALLERY_URL and LIGHTBOX_GALLERY_ARTIFACTS must be set (tests/gallery/run sets them)");
  process.exit(2);
}
mkdirSync(ARTIFACTS, { recursive: true });

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: got ${a}, expected ${e}`);
}

async function waitForHealth() {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Failure(`${BASE}/health did not answer within 30 s`);
}

/** The API as a user, straight over HTTP: what the gallery shows is checked against it. */
function api(user) {
  const headers = { "X-User-ID": user };
  return {
    async list(query = "") {
      const response = await fetch(`${BASE}/api/v1/images?limit=100${query}`, { headers });
      equal(response.status, 200, `GET /api/v1/images${query}`);
      return (await response.json()).items;
    },
    async metadata(id) {
      return fetch(`${BASE}/api/v1/images/${id}/metadata`, { headers });
    },
    async update(id, changes) {
      const response = await fetch(`${BASE}/api/v1/images/${id}`, {
        method: "PUT",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(changes),
      });
      equal(response.status, 200, "PUT through the API");
    },
    async upload(name, type, bytes, title) {
      const form = new FormData();
      form.append("title", title);
      form.append("file", new Blob([bytes], { type }), name);
      const response = await fetch(`${BASE}/api/v1/images/upload`, {
        method: "POST",
        headers,
        body: form,
      });
      equal(response.status, 201, `uploading ${name} through the API`);
    },
  };
}

/** Real JPEG and PNG files, drawn by the browser itself so that no binary fixture is kept. */
async function drawImages(browser) {
  const page = await browser.newPage();
  const files = await page.evaluate(async () => {
    async function draw(width, height, colours, label, type) {
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext("2d");
      const gradient = context.createLinearGradient(0, 0, width, height);
      colours.forEach((colour, i) => gradient.addColorStop(i / (colours.length - 1), colour));
      context.fillStyle = gradient;
      context.fillRect(0, 0, width, height);
      context.fillStyle = "#fff";
      context.font = `${Math.round(height / 8)}px sans-serif`;
      context.fillText(label, width / 10, height / 2);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, 0.9));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = "";
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    }
    return {
      sunset: await draw(800, 600, ["#f97316", "#7c3aed", "#1e3a8a"], "sunset", "image/jpeg"),
      sunrise: await draw(480, 640, ["#fde68a", "#f472b6", "#60a5fa"], "sunrise", "image/png"),
      city: await draw(640, 400, ["#0f172a", "#334155", "#eab308"], "city", "image/jpeg"),
      tiny: await draw(48, 36, ["#16a34a", "#0ea5e9"], "", "image/png"),
    };
  });
  await page.close();
  const file = (name, mimeType, base64) => ({ name, mimeType, buffer: Buffer.from(base64, "base64") });
  return {
    sunset: file("sunset-beach.jpg", "image/jpeg", files.sunset),
    sunrise: file("sunrise-beach.png", "image/png", files.sunrise),
    city: file("city-night.jpg", "image/jpeg", files.city),
    tiny: file("tiny.png", "image/png", files.tiny),
    text: file("notes.txt", "text/plain", Buffer.from("not an image\n").toString("base64")),
  };
}

/** The titles the grid shows, in order. */
function gridTitles(page) {
  return page.locator("#grid .card-title").allTextContents();
}

async function waitForGrid(page, titles, what) {
  try {
    await page.waitForFunction(
      (expected) => {
        const shown = Array.from(document.querySelectorAll("#grid .card-title"), (e) => e.textContent);
        return JSON.stringify(shown.sort()) === JSON.stringify([...expected].sort());
      },
      titles,
      { timeout: TIMEOUT },
    );
  } catch {
    equal((await gridTitles(page)).sort(), [...titles].sort(), what);
  }
}

async function waitForThumbnails(page, count) {
  await page.waitForFunction(
    (n) => {
      const loaded = document.querySelectorAll("#grid .card.loaded img.thumbnail");
      return loaded.length === n && Array.from(loaded).every((img) => img.naturalWidth > 0);
    },
    count,
    { timeout: TIMEOUT },
  );
}

async function noHorizontalOverflow(page, what) {
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const sticking = [];
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && (box.left < -1 || box.right > width + 1)) {
        sticking.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}.${element.className}: ${Math.round(box.left)}..${Math.round(box.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width, sticking: sticking.slice(0, 5) };
  });
  check(found.scroll <= found.width, `${what}: the page scrolls sideways (${found.scroll} px wide in ${found.width} px)`);
  check(found.sticking.length === 0, `${what}: elements stick out of the screen: ${found.sticking.join("; ")}`);
}

async function screenshot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Sets the tags new uploads get (in the drop zone's options, folded away at first). */
async function uploadTags(page, tags) {
  if (!(await page.$eval(".upload-options", (details) => details.open))) {
    await page.click(".upload-options summary");
  }
  await page.fill("#upload-tags", tags);
}

async function filter(page, tag, title) {
  await page.fill("#filter-tag", tag);
  await page.fill("#filter-title", title);
  await page.click("#filters button[type=submit]");
}

async function openCard(page, title) {
  await page.click(`#grid button[aria-label="Open ${title}"]`);
  await page.waitForSelector("#detail[open]", { timeout: TIMEOUT });
  await page.waitForFunction(
    (expected) => document.getElementById("detail-title").value === expected,
    title,
    { timeout: TIMEOUT },
  );
}

async function main() {
  await waitForHealth();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--disable-dev-shm-usage"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  // Any script error or refused load (a CSP violation is a console error) fails the run.
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A refused upload's 415 is expected and logged by Chromium as a failed resource; only
    // script errors and policy refusals count.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) {
      pageErrors.push(`console: ${message.text()}`);
    }
  });

  const me = api(USER);
  let files;
  let passed = 0;
  const steps = [
    ["the page loads and asks for a user id", async () => {
      files = await drawImages(browser);
      const response = await page.goto(`${BASE}/`);
      equal(response.status(), 200, "GET /");
      check(/script-src 'self'/.test(response.headers()["content-security-policy"] || ""), "the page has the gallery's policy");
      await page.waitForSelector("#user-id", { state: "visible" });
    }],
    ["signing in shows the empty gallery", async () => {
      await page.fill("#user-id", USER);
      await page.click("#sign-in-header button[type=submit]");
      await page.waitForSelector("#gallery", { state: "visible" });
      equal(await page.textContent("#who-name"), USER, "the signed-in user");
      await page.waitForFunction(() => /No images yet/.test(document.getElementById("grid-status").textContent));
    }],
    ["two files from the picker upload with progress and appear with thumbnails", async () => {
      await uploadTags(page, "beach, Summer");
      await page.setInputFiles("#file-input", [files.sunset, files.sunrise]);
      await page.waitForSelector("#uploads progress", { state: "attached" });
      await waitForGrid(page, ["sunset-beach", "sunrise-beach"], "the grid after two uploads");
      await waitForThumbnails(page, 2);
      const painted = await page.$$eval("#grid canvas.placeholder", (canvases) =>
        canvases.map((canvas) => canvas.getContext("2d").getImageData(16, 16, 1, 1).data[3]),
      );
      equal(painted, [255, 255], "blurhash placeholders painted under the thumbnails");
      const stored = await me.list();
      equal(stored.map((i) => i.title).sort(), ["sunrise-beach", "sunset-beach"], "titles in the API");
      equal(stored[0].tags, ["beach", "summer"], "tags in the API");
    }],
    ["a dropped file uploads and appears", async () => {
      await uploadTags(page, "city");
      const dataTransfer = await page.evaluateHandle(({ name, mimeType, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: mimeType }));
        return transfer;
      }, { name: files.city.name, mimeType: files.city.mimeType, base64: files.city.buffer.toString("base64") });
      await page.dispatchEvent("#drop-zone", "dragenter", { dataTransfer });
      await page.dispatchEvent("#drop-zone", "dragover", { dataTransfer });
      await page.dispatchEvent("#drop-zone", "drop", { dataTransfer });
      await waitForGrid(page, ["sunset-beach", "sunrise-beach", "city-night"], "the grid after the drop");
      await waitForThumbnails(page, 3);
      equal((await me.list()).length, 3, "images in the API");
    }],
    ["a text file is refused with the reason in words", async () => {
      await page.setInputFiles("#file-input", [files.text]);
      const failed = page.locator("#uploads .upload.failed .upload-status");
      await failed.waitFor();
      const text = await failed.textContent();
      check(/not a JPEG, PNG, GIF or WebP image/i.test(text), `the refusal says why: ${JSON.stringify(text)}`);
      equal((await me.list()).length, 3, "nothing stored for the text file");
      console.log(`    refusal shown: ${text}`);
      await screenshot(page, "1-grid-after-uploads");
    }],
    ["filtering by tag shows only the matching images", async () => {
      await filter(page, "City", "");
      await waitForGrid(page, ["city-night"], "tag=City");
      await filter(page, "beach", "");
      await waitForGrid(page, ["sunset-beach", "sunrise-beach"], "tag=beach");
    }],
    ["filtering by title prefix shows only the matching images", async () => {
      await filter(page, "", "sun");
      await waitForGrid(page, ["sunset-beach", "sunrise-beach"], "title=sun");
      await filter(page, "", "SUNR");
      await waitForGrid(page, ["sunrise-beach"], "title=SUNR");
      await screenshot(page, "2-filtered");
      await page.click("#filter-clear");
      await waitForGrid(page, ["sunset-beach", "sunrise-beach", "city-night"], "filters cleared");
      await waitForThumbnails(page, 3);
    }],
    ["the detail view shows the full image, and an edited title is saved", async () => {
      await openCard(page, "sunset-beach");
      await page.waitForFunction(() => document.getElementById("detail-img").naturalWidth === 800);
      await page.fill("#detail-title", "Golden hour");
      await page.fill("#detail-description", "From the pier");
      await page.click("#detail-save");
      await page.waitForFunction(() => document.getElementById("detail-message").textContent === "Saved.");
      await screenshot(page, "3-detail-edited");
      const [image] = (await me.list()).filter((i) => i.title === "Golden hour");
      check(image, "the API has the new title");
      equal(image.description, "From the pier", "description in the API");
      equal(image.version, 2, "version after the edit");
      await page.click("#detail-close");
      await waitForGrid(page, ["Golden hour", "sunrise-beach", "city-night"], "the grid after the edit");
    }],
    ["a change made elsewhere meanwhile is explained, not overwritten", async () => {
      await openCard(page, "city-night");
      const [image] = (await me.list()).filter((i) => i.title === "city-night");
      await me.update(image.id, { title: "city-lights" });
      await page.fill("#detail-title", "my edit");
      await page.click("#detail-save");
      await page.waitForFunction(() => /changed elsewhere/.test(document.getElementById("detail-message").textContent));
      equal(await page.inputValue("#detail-title"), "city-lights", "the latest title is shown");
      equal((await (await me.metadata(image.id)).json()).title, "city-lights", "the other change kept");
      await page.click("#detail-close");
      await waitForGrid(page, ["Golden hour", "sunrise-beach", "city-lights"], "the grid shows the other change");
    }],
    ["deleting an image removes it from the grid and the API", async () => {
      const [image] = (await me.list()).filter((i) => i.title === "sunrise-beach");
      await openCard(page, "sunrise-beach");
      await page.click("#detail-delete");
      await page.click("#delete-yes");
      await page.waitForSelector("#detail", { state: "hidden" });
      await waitForGrid(page, ["Golden hour", "city-lights"], "the grid after the delete");
      equal((await me.metadata(image.id)).status, 404, "the deleted image's metadata");
      equal((await me.list()).length, 2, "images in the API after the delete");
    }],
    ["on a phone-width screen nothing scrolls sideways", async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.waitForTimeout(300);
      await noHorizontalOverflow(page, "the grid at 360 px");
      await screenshot(page, "4-phone-grid");
      await openCard(page, "Golden hour");
      await page.waitForFunction(() => document.getElementById("detail-img").naturalWidth > 0);
      await noHorizontalOverflow(page, "the detail view at 360 px");
      const box = await page.locator("#detail").boundingBox();
      check(box && box.x >= 0 && box.x + box.width <= 360, `the detail view fits the screen: ${JSON.stringify(box)}`);
      await screenshot(page, "5-phone-detail");
      await page.click("#detail-close");
      await page.setViewportSize({ width: 1280, height: 900 });
    }],
    ["scrolling down walks the list's cursor to the end", async () => {
      const other = api(SCROLL_USER);
      for (let i = 0; i < 30; i++) {
        await other.upload(`tiny-${i}.png`, "image/png", files.tiny.buffer, `tiny ${String(i).padStart(2, "0")}`);
      }
      await page.click("#sign-out");
      await page.waitForSelector("#user-id", { state: "visible" });
      await page.fill("#user-id", SCROLL_USER);
      await page.click("#sign-in-header button[type=submit]");
      await page.waitForFunction(() => document.querySelectorAll("#grid .card").length >= 24);
      for (let round = 0; round < 10; round++) {
        const count = await page.locator("#grid .card").count();
        if (count >= 30) break;
        await page.locator("#grid-end").scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
      }
      const titles = await gridTitles(page);
      equal(titles.length, 30, "cards after scrolling to the end");
      equal(new Set(titles).size, 30, "distinct cards");
      equal(titles[0], "tiny 29", "newest first");
      await page.waitForFunction(() => /^30 images$/.test(document.getElementById("grid-status").textContent));
    }],
  ];

  let failed = 0;
  for (const [name, run] of steps) {
    try {
      await run();
      passed += 1;
      console.log(`ok   ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${error.message.split("\n").join("\n     ")}`);
      try {
        console.log(`     page at that moment: ${await screenshot(page, "failure")}`);
      } catch {
        // The screenshot is a help; the failure is already reported.
      }
      break;
    }
  }
  if (failed === 0 && pageErrors.length > 0) {
    failed += 1;
    console.log(`FAIL the page ran without script errors or refused loads\n     ${pageErrors.join("\n     ")}`);
  } else if (failed === 0) {
    passed += 1;
    console.log("ok   the page ran without script errors or refused loads");
  }
  await browser.close();
  const skipped = steps.length + 1 - passed - failed;
  console.log(`gallery: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
  return failed === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
