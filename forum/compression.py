"""The stylesheet and scripts sent gzipped to browsers that accept it.

`make run` has no reverse proxy to compress for it, and on a phone the stylesheet is the
largest part of a first view after the fonts. Only static text is compressed: a page or an API
answer that echoes input beside a CSRF token or a secret, compressed, invites BREACH-style
guessing of the secret from the sizes.
"""

import gzip

from flask import request

COMPRESSED_TYPES = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}
)
SMALLEST = 1024  # bytes: below this, gzip's own header costs more than it saves


def init_app(app):
    app.after_request(_compress_static)


def _compress_static(response):
    if (
        request.endpoint != "static"
        or response.status_code != 200
        or response.mimetype not in COMPRESSED_TYPES
        or "Content-Encoding" in response.headers
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    # Read the file here to compress it, and close it at once: a browser that drops the
    # connection mid-answer (an aborted navigation) must not leave it to the server to close.
    opened = response.response
    response.direct_passthrough = False
    body = response.get_data()
    if hasattr(opened, "close"):
        opened.close()
    if len(body) < SMALLEST:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    # Another encoding is another representation: it must not share the plain file's ETag.
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response
