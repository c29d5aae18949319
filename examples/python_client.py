#!/usr/bin/env python3
"""A small lightbox client: upload, list (walking every page), update, download and delete.

Needs only Python 3.9+ and `requests` (pip install requests).

    python3 examples/python_client.py path/to/photo.jpg [--base http://127.0.0.1:8080] [--user user-123]
"""
import argparse
import hashlib
import sys
import uuid

import requests


class LightboxError(Exception):
    """An error answer from lightbox, carrying its problem+json fields."""

    def __init__(self, response):
        try:
            problem = response.json()
        except ValueError:
            problem = {"code": "unknown", "detail": response.text}
        self.status = response.status_code
        self.code = problem.get("code")
        self.detail = problem.get("detail")
        super().__init__(f"{self.status} {self.code}: {self.detail}")


class Lightbox:
    def __init__(self, base, user):
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers["X-User-ID"] = user

    def _check(self, response, *ok):
        if response.status_code not in ok:
            raise LightboxError(response)
        return response

    def upload(self, path, title=None, description=None, tags=(), visibility="private"):
        # The idempotency key makes a retry after a network error safe: it returns the first result.
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        data = {"visibility": visibility, "tags": ",".join(tags)}
        if title:
            data["title"] = title
        if description:
            data["description"] = description
        with open(path, "rb") as file:
            response = self.session.post(
                f"{self.base}/api/v1/images/upload", files={"file": file}, data=data, headers=headers
            )
        return self._check(response, 201).json()

    def list_all(self, **filters):
        """Yields every matching image, following next_cursor until the last page."""
        params = dict(filters)
        while True:
            page = self._check(self.session.get(f"{self.base}/api/v1/images", params=params), 200).json()
            yield from page["items"]
            if not page["next_cursor"]:
                return
            params["cursor"] = page["next_cursor"]

    def update(self, image, **changes):
        # If-Match makes the change fail with 412 rather than overwrite someone else's.
        headers = {"If-Match": f'"{image["version"]}"'}
        response = self.session.patch(f"{self.base}/api/v1/images/{image['id']}", json=changes, headers=headers)
        return self._check(response, 200).json()

    def download(self, image_id):
        return self._check(self.session.get(f"{self.base}/api/v1/images/{image_id}"), 200).content

    def thumbnail(self, image_id, size=256):
        response = self.session.get(f"{self.base}/api/v1/images/{image_id}/thumbnail", params={"size": size})
        return self._check(response, 200)

    def delete(self, image_id):
        self._check(self.session.delete(f"{self.base}/api/v1/images/{image_id}"), 204)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("photo")
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--user", default="user-123")
    args = parser.parse_args()
    client = Lightbox(args.base, args.user)

    try:
        image = client.upload(args.photo, title="Sunset", tags=["beach", "sunset"])
        print("uploaded", image["id"], image["content_type"], f'{image["width"]}x{image["height"]}')

        found = [i["id"] for i in client.list_all(tag="beach", title="sun", limit=50)]
        print("found by tag and title prefix:", image["id"] in found)

        image = client.update(image, title="Golden hour", visibility="public")
        print("retitled; version is now", image["version"])

        data = client.download(image["id"])
        print("downloaded bytes match:", hashlib.sha256(data).hexdigest() == image["sha256"])

        thumb = client.thumbnail(image["id"], size=128)
        print("thumbnail:", thumb.headers["Content-Type"], len(thumb.content), "bytes; blurhash", image["blurhash"])

        # The signed url needs no identity until url_expires_at.
        print("signed url works:", requests.get(image["url"]).status_code == 200)

        client.delete(image["id"])
        print("deleted")
    except LightboxError as error:
        print("lightbox said:", error, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
