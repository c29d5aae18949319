// The signed-in identity: a user id (header mode) or a token (jwt mode), kept in sessionStorage
// so that it lasts as long as the tab and no longer.

const KEY = "lightbox.session";

/** The stored session, `{mode: "header" | "jwt", credential}`, or null. */
export function loadSession() {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (value && (value.mode === "header" || value.mode === "jwt") && value.credential) {
      return value;
    }
  } catch {
    // A damaged entry is the same as none: the user signs in again.
  }
  return null;
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** The headers that carry a session's identity to the API. */
export function identityHeaders(session) {
  if (!session) return {};
  return session.mode === "jwt"
    ? { Authorization: `Bearer ${session.credential}` }
    : { "X-User-ID": session.credential };
}
