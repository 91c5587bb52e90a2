"""Addresses built with or without a request: paths for HTML stored with posts. (Absolute
links for mail are forum.mail.absolute_url's, under BASE_URL.)"""

from flask import current_app


def path_for(endpoint, **values):
    """The path of a route, under APPLICATION_ROOT, the same in a request, a job or a test."""
    root = current_app.config["APPLICATION_ROOT"]
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)
