"""Guards on user-supplied redirect targets."""

from urllib.parse import urlsplit

from forum.inputs import has_control_characters


def safe_next_url(target):
    """Only a local path is followed, so that a link cannot send people to another site."""
    if not target or has_control_characters(target):
        return None  # a browser drops tabs and line breaks: "/\t/evil.example" is "//evil…"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
