// The API's errors (problem+json, RFC 9457) put into words for a person.

const MEANINGS = {
  bad_request: "the request was malformed",
  missing_file: "no file was sent",
  empty_file: "the file is empty",
  invalid_field: "a field has a value the server does not accept",
  invalid_tags: "tags must be letters, digits, - or _, at most 50 characters, at most 20 tags",
  invalid_body: "the changes could not be read",
  invalid_limit: "the page size is out of range",
  invalid_cursor: "the list position is no longer valid",
  invalid_id: "that is not an image id",
  unauthenticated: "you are not signed in, or your sign-in is no longer valid",
  quota_exceeded: "your storage quota is full",
  not_found: "the image does not exist (any more)",
  precondition_failed: "the image was changed elsewhere in the meantime",
  file_too_large: "the file is too large",
  unsupported_media_type: "not a JPEG, PNG, GIF or WebP image",
  invalid_image: "the image is damaged or larger than the allowed dimensions",
  idempotency_key_reused: "a retry did not match the first attempt",
  rate_limited: "too many requests; wait a moment",
  backend_unavailable: "storage is unavailable right now; try again shortly",
  insufficient_storage: "the server is out of disk space",
  internal_error: "the server failed; try again",
};

/** An error from the API: `status`, `code` and `detail` as the problem gave them. */
export class ApiProblem extends Error {
  constructor(status, code, detail, retryAfter) {
    super(describe(status, code, detail));
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

/** One sentence: what the code means, then the server's detail when it adds something. */
export function describe(status, code, detail) {
  const meaning = MEANINGS[code] || `the server answered ${status}`;
  const sentence = meaning.charAt(0).toUpperCase() + meaning.slice(1);
  return detail ? `${sentence} (${detail}).` : `${sentence}.`;
}

/** Reads a failed answer's body (text) into an ApiProblem. */
export function problemFrom(status, bodyText, retryAfter) {
  let code = null;
  let detail = null;
  try {
    const body = JSON.parse(bodyText);
    code = typeof body.code === "string" ? body.code : null;
    detail = typeof body.detail === "string" ? body.detail : null;
  } catch {
    // Not problem+json (a proxy's page, a cut connection): the status is all there is.
  }
  return new ApiProblem(status, code, detail, retryAfter);
}
