// The calls the gallery makes to the API, each carrying the signed-in identity. Every failure
// becomes an ApiProblem; a 401 also tells the app that the session is over.

import { identityHeaders } from "./session.js";
import { ApiProblem, problemFrom } from "./problems.js";

export class Api {
  constructor(session, onUnauthenticated) {
    this.session = session;
    this.onUnauthenticated = onUnauthenticated;
  }

  async call(path, options = {}) {
    let response;
    try {
      response = await fetch(path, {
        ...options,
        headers: { ...identityHeaders(this.session), ...(options.headers || {}) },
        cache: "no-store",
      });
    } catch (error) {
      // A fetch cancelled on purpose (the view it was for went away) is not a failure to show.
      if (error.name === "AbortError") throw error;
      throw new ApiProblem(0, null, "the server could not be reached", null);
    }
    if (!response.ok) {
      const problem = problemFrom(
        response.status,
        await response.text(),
        response.headers.get("Retry-After"),
      );
      if (response.status === 401) this.onUnauthenticated(problem);
      throw problem;
    }
    return response;
  }

  async json(path, options) {
    return (await this.call(path, options)).json();
  }

  me() {
    return this.json("/api/v1/me");
  }

  /** One page of the caller's images: `{items, next_cursor}`. */
  list({ tag, title, cursor, limit }) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (tag) query.set("tag", tag);
    if (title) query.set("title", title);
    if (cursor) query.set("cursor", cursor);
    return this.json(`/api/v1/images?${query}`);
  }

  metadata(id) {
    return this.json(`/api/v1/images/${encodeURIComponent(id)}/metadata`);
  }

  /** The thumbnail or the original, as a Blob (an <img> cannot send the identity itself). */
  async blob(path, signal) {
    return (await this.call(path, { signal })).blob();
  }

  thumbnail(id, size, signal) {
    return this.blob(`/api/v1/images/${encodeURIComponent(id)}/thumbnail?size=${size}`, signal);
  }

  original(id, signal) {
    return this.blob(`/api/v1/images/${encodeURIComponent(id)}`, signal);
  }

  update(id, version, changes) {
    return this.json(`/api/v1/images/${encodeURIComponent(id)}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "If-Match": `"${version}"` },
      body: JSON.stringify(changes),
    });
  }

  async remove(id) {
    await this.call(`/api/v1/images/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  /**
   * Uploads one file with XMLHttpRequest, which unlike fetch reports upload progress.
   * Resolves with the Image, rejects with an ApiProblem.
   */
  upload(file, fields, onProgress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) {
        if (value) form.append(name, value);
      }
      form.append("file", file, file.name);
      const request = new XMLHttpRequest();
      request.open("POST", "/api/v1/images/upload");
      for (const [name, value] of Object.entries(identityHeaders(this.session))) {
        request.setRequestHeader(name, value);
      }
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      request.addEventListener("load", () => {
        if (request.status === 201) {
          try {
            resolve(JSON.parse(request.responseText));
          } catch {
            reject(new ApiProblem(request.status, null, "the answer could not be read", null));
          }
          return;
        }
        const problem = problemFrom(
          request.status,
          request.responseText,
          request.getResponseHeader("Retry-After"),
        );
        if (request.status === 401) this.onUnauthenticated(problem);
        reject(problem);
      });
      request.addEventListener("error", () =>
        reject(new ApiProblem(0, null, "the connection failed during the upload", null)),
      );
      request.send(form);
    });
  }
}

/**
 * Which identity the server wants: an anonymous /me is refused with `WWW-Authenticate: Bearer`
 * in jwt mode and without it in header mode.
 */
export async function detectAuthMode() {
  try {
    const response = await fetch("/api/v1/me", { cache: "no-store" });
    const challenge = response.headers.get("WWW-Authenticate") || "";
    return /^bearer/i.test(challenge) ? "jwt" : "header";
  } catch {
    return "header";
  }
}
