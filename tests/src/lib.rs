//! Empty on purpose: lightbox's black-box HTTP tests live in the `api` test binary (`tests/api/`).
