// The gallery's entry point: signs the user in (user id or token, as the server's auth mode
// wants), then wires uploads, the grid with its filters, and the detail view.

import { Api, detectAuthMode } from "./api.js";
import { clearSession, loadSession, saveSession } from "./session.js";
import { Uploader, wireDropZone } from "./upload.js";
import { Grid } from "./grid.js";
import { Detail, parseTags } from "./detail.js";

const $ = (id) => document.getElementById(id);

let mode = "header";

function showSignIn(message = "") {
  $("gallery").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-header").hidden = mode !== "header";
  $("sign-in-jwt").hidden = mode !== "jwt";
  $("switch-mode").textContent =
    mode === "header" ? "Sign in with a token instead" : "Sign in with a user id instead";
  $("sign-in-error").textContent = message;
  (mode === "header" ? $("user-id") : $("token")).focus();
}

function signOut(message = "") {
  clearSession();
  // Reloading drops every blob, request and card of the old session at once.
  if (message) sessionStorage.setItem("lightbox.notice", message);
  location.reload();
}

async function signIn(session) {
  const api = new Api(session, () => {});
  try {
    const me = await api.me();
    saveSession(session);
    start(session, me);
  } catch (problem) {
    $("sign-in-error").textContent = problem.message;
  }
}

function limitsText(me) {
  const mib = (me.limits.max_upload_bytes / (1024 * 1024)).toFixed(0);
  const types = me.limits.accepted_types.map((type) => type.replace("image/", "").toUpperCase());
  return `${types.join(", ")} up to ${mib} MiB each.`;
}

function start(session, me) {
  const api = new Api(session, () =>
    signOut("Your sign-in is no longer valid; please sign in again."),
  );
  $("sign-in").hidden = true;
  $("gallery").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = me.user_id;
  $("limits").textContent = limitsText(me);

  const detail = new Detail(api, {
    onUpdated: (image) => grid.updated(image),
    onDeleted: (id) => grid.removed(id),
  });
  const grid = new Grid(
    api,
    { list: $("grid"), end: $("grid-end"), status: $("grid-status") },
    (id) => detail.open(id),
  );
  const uploader = new Uploader(
    api,
    $("uploads"),
    () => ({
      tags: parseTags($("upload-tags").value).join(","),
      visibility: $("upload-visibility").value,
    }),
    (image) => grid.uploaded(image),
  );
  wireDropZone($("drop-zone"), $("file-input"), uploader);

  const filters = () => ({ tag: $("filter-tag").value.trim(), title: $("filter-title").value });
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    grid.reset(filters());
  });
  $("filter-clear").addEventListener("click", () => {
    $("filter-tag").value = "";
    $("filter-title").value = "";
    grid.reset(filters());
  });
  grid.reset(filters());
}

async function main() {
  $("sign-out").addEventListener("click", () => signOut());
  $("switch-mode").addEventListener("click", () => {
    mode = mode === "header" ? "jwt" : "header";
    showSignIn();
  });
  $("sign-in-header").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn({ mode: "header", credential: $("user-id").value.trim() });
  });
  $("sign-in-jwt").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn({ mode: "jwt", credential: $("token").value.trim().replace(/^bearer\s+/i, "") });
  });

  const notice = sessionStorage.getItem("lightbox.notice") || "";
  sessionStorage.removeItem("lightbox.notice");
  const session = loadSession();
  if (session) {
    mode = session.mode;
    try {
      start(session, await new Api(session, () => {}).me());
      return;
    } catch (problem) {
      clearSession();
      showSignIn(problem.message);
      return;
    }
  }
  mode = await detectAuthMode();
  showSignIn(notice);
}

main();
