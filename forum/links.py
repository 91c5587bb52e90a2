"""Addresses built with or without a request: paths for HTML stored with posts, and absolute
URLs for what leaves the forum (mail, unsubscribe links), under the BASE_URL setting."""

from flask import current_app


def path_for(endpoint, **values):
    """The path of a route, under APPLICATION_ROOT, the same in a request, a job or a test."""
    root = current_app.config["APPLICATION_ROOT"]
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)


def external_url(endpoint, **values):
    """An absolute URL: BASE_URL (which holds any prefix the forum is served under) + path."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
