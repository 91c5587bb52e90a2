"""Security headers on every response: what the browser may load, frame, sniff and refer.

The forum's pages run no script and load nothing from elsewhere, so the policy is short. One
response writes its own: the HTML part of a mail, shown to administrators in a frame of the
mail's page (forum.admin.views.show_mail_html), with the inline styles mail needs and nothing
else.
"""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "frame-src 'self'",  # the mail preview (admin)
    ]
)
# A mail's HTML: its own styles and pictures, no script, no form, framed by the forum alone.
MAIL_PREVIEW_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src 'self' https: data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "sandbox",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app):
    app.after_request(_add_security_headers)


def allow_framing_by_the_forum(response, policy=MAIL_PREVIEW_POLICY):
    """For a response shown in a frame of the forum's own pages, under its own policy."""
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
