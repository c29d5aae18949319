// Uploads: files from the picker or a drop are queued and sent a few at a time, each with a
// progress bar and, when refused, the server's reason in words.

/** How many uploads run at once: enough to fill the link, few enough to keep the server fair. */
const CONCURRENT_UPLOADS = 3;

/** A title from a file name: without its extension and control characters, at most 200 long. */
export function titleFromFilename(name) {
  const stem = name.replace(/\.[^.]*$/, "");
  // Control characters would be refused by the server (invalid_field); they are never meant.
  const clean = Array.from(stem.replace(/\p{Cc}/gu, " ").trim()).slice(0, 200).join("");
  return clean || null;
}

export class Uploader {
  /**
   * `list` is the <ul> the rows go in; `fields()` gives the tags and visibility chosen for new
   * uploads; `onUploaded(image)` is told of each success.
   */
  constructor(api, list, fields, onUploaded) {
    this.api = api;
    this.list = list;
    this.fields = fields;
    this.onUploaded = onUploaded;
    this.queue = [];
    this.running = 0;
  }

  add(files) {
    for (const file of files) {
      this.queue.push({ file, row: this.row(file) });
    }
    this.pump();
  }

  pump() {
    while (this.running < CONCURRENT_UPLOADS && this.queue.length > 0) {
      const job = this.queue.shift();
      this.running += 1;
      this.send(job).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  async send({ file, row }) {
    row.status.textContent = "uploading…";
    row.item.className = "upload busy";
    try {
      const image = await this.api.upload(
        file,
        { ...this.fields(), title: titleFromFilename(file.name) },
        (fraction) => {
          row.progress.value = fraction;
        },
      );
      row.progress.value = 1;
      row.status.textContent = "done";
      row.item.className = "upload done";
      this.onUploaded(image);
      // Finished rows go away after a while; refusals stay until dismissed, to be read.
      setTimeout(() => row.item.remove(), 4000);
    } catch (problem) {
      row.status.textContent = problem.message;
      row.item.className = "upload failed";
      row.progress.hidden = true;
      row.dismiss.hidden = false;
    }
  }

  row(file) {
    const item = document.createElement("li");
    item.className = "upload waiting";
    const name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    const progress = document.createElement("progress");
    progress.max = 1;
    progress.value = 0;
    progress.setAttribute("aria-label", `Upload of ${file.name}`);
    const status = document.createElement("span");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    status.textContent = "waiting…";
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.textContent = "Dismiss";
    dismiss.hidden = true;
    dismiss.addEventListener("click", () => item.remove());
    item.append(name, progress, status, dismiss);
    this.list.append(item);
    return { item, progress, status, dismiss };
  }
}

/** Wires the drop zone and the file picker to `uploader`. */
export function wireDropZone(zone, input, uploader) {
  input.addEventListener("change", () => {
    uploader.add(Array.from(input.files || []));
    // Choosing the same files again must fire another change.
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  // A file dropped beside the zone would make the browser leave the page to show it.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = Array.from((event.dataTransfer && event.dataTransfer.files) || []);
    if (files.length > 0) uploader.add(files);
  });
}
