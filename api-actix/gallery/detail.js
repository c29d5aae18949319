// The detail view: the full image, its facts, its metadata to edit (saved with If-Match on the
// version shown, so a change made elsewhere meanwhile is not overwritten) and delete.

const $ = (id) => document.getElementById(id);

function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** "a, B ,c" → ["a", "b", "c"]; the server normalizes again, this only splits. */
export function parseTags(text) {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

export class Detail {
  constructor(api, { onUpdated, onDeleted }) {
    this.api = api;
    this.onUpdated = onUpdated;
    this.onDeleted = onDeleted;
    this.dialog = $("detail");
    this.image = null;
    this.url = null;
    this.abort = null;
    $("detail-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    $("detail-close").addEventListener("click", () => this.dialog.close());
    $("detail-delete").addEventListener("click", () => this.confirmDelete(true));
    $("delete-no").addEventListener("click", () => this.confirmDelete(false));
    $("delete-yes").addEventListener("click", () => this.remove());
    this.dialog.addEventListener("close", () => this.release());
  }

  async open(id) {
    this.release();
    this.message("Loading…");
    this.confirmDelete(false);
    $("detail-img").removeAttribute("src");
    if (!this.dialog.open) this.dialog.showModal();
    try {
      this.show(await this.api.metadata(id));
      this.message("");
    } catch (problem) {
      this.message(problem.message, true);
      return;
    }
    this.loadImage(id);
  }

  show(image) {
    this.image = image;
    $("detail-heading").textContent = image.title || "Untitled image";
    $("detail-title").value = image.title || "";
    $("detail-description").value = image.description || "";
    $("detail-tags").value = image.tags.join(", ");
    $("detail-visibility").value = image.visibility;
    $("detail-img").alt = image.title || image.original_filename || "the image";
    const created = new Date(image.created_at).toLocaleString();
    $("detail-facts").textContent =
      `${image.width} × ${image.height} ${image.content_type.replace("image/", "").toUpperCase()}, ` +
      `${humanSize(image.size_bytes)}, added ${created}` +
      (image.original_filename ? ` from ${image.original_filename}` : "");
    $("detail-original").href = image.url;
  }

  async loadImage(id) {
    this.abort = new AbortController();
    try {
      const blob = await this.api.original(id, this.abort.signal);
      if (!this.image || this.image.id !== id) return;
      this.url = URL.createObjectURL(blob);
      $("detail-img").src = this.url;
    } catch (problem) {
      if (problem.name !== "AbortError") this.message(problem.message, true);
    }
  }

  async save() {
    if (!this.image) return;
    const image = this.image;
    const changes = {
      title: $("detail-title").value.trim() || null,
      description: $("detail-description").value.trim() || null,
      tags: parseTags($("detail-tags").value),
      visibility: $("detail-visibility").value,
    };
    this.message("Saving…");
    try {
      const saved = await this.api.update(image.id, image.version, changes);
      this.show(saved);
      this.message("Saved.");
      this.onUpdated(saved);
    } catch (problem) {
      if (problem.code === "precondition_failed") {
        // Someone (another tab, another device) changed it since it was shown: show theirs.
        try {
          const latest = await this.api.metadata(image.id);
          this.show(latest);
          this.onUpdated(latest);
        } catch {
          // The message below still holds; the old values stay on screen.
        }
        this.message(
          "This image was changed elsewhere since it was opened, so nothing was saved. " +
            "Its latest details are shown now; make your changes again.",
          true,
        );
      } else {
        this.message(problem.message, true);
      }
    }
  }

  confirmDelete(asking) {
    $("delete-confirm").hidden = !asking;
    $("detail-delete").hidden = asking;
    if (asking) $("delete-no").focus();
  }

  async remove() {
    if (!this.image) return;
    const id = this.image.id;
    this.message("Deleting…");
    try {
      await this.api.remove(id);
    } catch (problem) {
      // Already gone is what was asked for.
      if (problem.code !== "not_found") {
        this.message(problem.message, true);
        this.confirmDelete(false);
        return;
      }
    }
    this.onDeleted(id);
    this.dialog.close();
  }

  message(text, failed = false) {
    const element = $("detail-message");
    element.textContent = text;
    element.classList.toggle("error", failed);
  }

  release() {
    if (this.abort) this.abort.abort();
    this.abort = null;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.image = null;
  }
}
