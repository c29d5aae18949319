// The grid of the caller's images: pages of the list walked by cursor as the end of the grid
// scrolls into view, each card a blurhash placeholder until its thumbnail has been fetched.

import { paintBlurhash } from "./blurhash.js";

const PAGE_SIZE = 24;
const THUMBNAIL_SIZE = 256;
/** Thumbnails fetched at once, so that a long page does not queue dozens of requests. */
const CONCURRENT_THUMBNAILS = 4;

export class Grid {
  constructor(api, { list, end, status }, onOpen) {
    this.api = api;
    this.list = list;
    this.status = status;
    this.onOpen = onOpen;
    this.filters = { tag: "", title: "" };
    this.cards = new Map();
    this.thumbnailQueue = [];
    this.thumbnailsLoading = 0;
    // Each reset starts a generation; answers of an older one are dropped.
    this.generation = 0;
    this.cursor = null;
    this.done = false;
    this.loading = false;
    this.endVisible = false;
    this.visibility = new IntersectionObserver((entries) => this.cardsSeen(entries), {
      rootMargin: "200px",
    });
    new IntersectionObserver(
      (entries) => {
        this.endVisible = entries.some((entry) => entry.isIntersecting);
        if (this.endVisible) this.more();
      },
      { rootMargin: "400px" },
    ).observe(end);
  }

  /** Empties the grid and walks the list again from the start with `filters`. */
  reset(filters = this.filters) {
    this.filters = filters;
    this.generation += 1;
    for (const card of this.cards.values()) this.dispose(card);
    this.cards.clear();
    this.thumbnailQueue = [];
    this.list.replaceChildren();
    this.cursor = null;
    this.done = false;
    this.loading = false;
    this.status.textContent = "Loading…";
    this.more();
  }

  async more() {
    if (this.loading || this.done) return;
    this.loading = true;
    const generation = this.generation;
    try {
      const page = await this.api.list({ ...this.filters, cursor: this.cursor, limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      for (const image of page.items) this.add(image, false);
      this.cursor = page.next_cursor;
      this.done = !page.next_cursor;
      this.describe();
    } catch (problem) {
      if (generation !== this.generation) return;
      this.status.textContent = problem.message;
      this.done = true;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        // A short page may leave the end in view; the observer would not fire again.
        if (this.endVisible && !this.done) requestAnimationFrame(() => this.more());
      }
    }
  }

  describe() {
    const filtered = this.filters.tag || this.filters.title;
    if (this.cards.size === 0) {
      this.status.textContent = filtered
        ? "No image matches these filters."
        : "No images yet: drop some above, or choose files.";
    } else {
      const count = `${this.cards.size}${this.done ? "" : "+"}`;
      this.status.textContent = `${count} image${this.cards.size === 1 ? "" : "s"}`;
    }
  }

  /** Whether `image` belongs under the current filters (the server's rules, case-insensitive). */
  matches(image) {
    const tag = this.filters.tag.trim().toLowerCase();
    const title = this.filters.title.toLowerCase();
    if (tag && !image.tags.includes(tag)) return false;
    if (title && !(image.title || "").toLowerCase().startsWith(title)) return false;
    return true;
  }

  /** A fresh upload goes first, when the filters let it in. */
  uploaded(image) {
    if (this.matches(image)) this.add(image, true);
    this.describe();
  }

  add(image, first) {
    if (this.cards.has(image.id)) return;
    const item = document.createElement("li");
    item.className = "card";
    item.dataset.id = image.id;
    const open = document.createElement("button");
    open.type = "button";
    open.className = "card-open";
    const canvas = document.createElement("canvas");
    canvas.width = 32;
    canvas.height = 32;
    canvas.className = "placeholder";
    canvas.setAttribute("aria-hidden", "true");
    paintBlurhash(canvas, image.blurhash);
    const img = document.createElement("img");
    img.className = "thumbnail";
    const caption = document.createElement("span");
    caption.className = "card-title";
    open.append(canvas, img, caption);
    open.addEventListener("click", () => this.onOpen(image.id));
    item.append(open);
    const card = { image, item, img, caption, open, url: null, abort: null, requested: false };
    this.label(card);
    this.cards.set(image.id, card);
    if (first) this.list.prepend(item);
    else this.list.append(item);
    this.visibility.observe(item);
  }

  label(card) {
    const title = card.image.title || card.image.original_filename || "Untitled image";
    card.img.alt = title;
    card.caption.textContent = title;
    card.open.setAttribute("aria-label", `Open ${title}`);
  }

  /** The card of `image` shows its new metadata, or leaves when it no longer matches. */
  updated(image) {
    const card = this.cards.get(image.id);
    if (!card) return;
    if (!this.matches(image)) {
      this.removed(image.id);
      return;
    }
    card.image = image;
    this.label(card);
  }

  removed(id) {
    const card = this.cards.get(id);
    if (!card) return;
    this.dispose(card);
    card.item.remove();
    this.cards.delete(id);
    this.describe();
  }

  dispose(card) {
    this.visibility.unobserve(card.item);
    if (card.abort) card.abort.abort();
    if (card.url) URL.revokeObjectURL(card.url);
    card.url = null;
  }

  cardsSeen(entries) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const card = this.cards.get(entry.target.dataset.id);
      if (card && !card.requested) {
        card.requested = true;
        this.visibility.unobserve(entry.target);
        this.thumbnailQueue.push(card);
      }
    }
    this.pumpThumbnails();
  }

  pumpThumbnails() {
    while (this.thumbnailsLoading < CONCURRENT_THUMBNAILS && this.thumbnailQueue.length > 0) {
      const card = this.thumbnailQueue.shift();
      if (this.cards.get(card.image.id) !== card) continue;
      this.thumbnailsLoading += 1;
      this.loadThumbnail(card).finally(() => {
        this.thumbnailsLoading -= 1;
        this.pumpThumbnails();
      });
    }
  }

  async loadThumbnail(card) {
    card.abort = new AbortController();
    try {
      const blob = await this.api.thumbnail(card.image.id, THUMBNAIL_SIZE, card.abort.signal);
      if (this.cards.get(card.image.id) !== card) return;
      card.url = URL.createObjectURL(blob);
      await new Promise((resolve) => {
        card.img.addEventListener("load", resolve, { once: true });
        card.img.addEventListener("error", resolve, { once: true });
        card.img.src = card.url;
      });
      card.item.classList.add("loaded");
      // A decoded <img> keeps its pixels; the blob itself is no longer needed.
      URL.revokeObjectURL(card.url);
      card.url = null;
    } catch {
      // The placeholder stays: a thumbnail that cannot be fetched is not worth an alert.
      card.item.classList.add("no-thumbnail");
    } finally {
      card.abort = null;
    }
  }
}
