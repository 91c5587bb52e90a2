"""Guards on user-supplied redirect targets."""

from urllib.parse import urlsplit


def safe_next_url(target):
    """Only a local path is followed, so that a link cannot send people to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
