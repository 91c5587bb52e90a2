"""The ceiling: a bare Flask app rendering a 5 KB Jinja template held in memory.

Served by bench.run under the same gunicorn settings as the forum, so that each page's
requests per second can be read as a share of what Flask itself can do on this machine.
"""

from flask import Flask

TEMPLATE = """<!doctype html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<header><h1>{{ title }}</h1></header>
<main>
<ol>
{% for item in items %}
  <li class="row"><a href="/t/{{ item.id }}">{{ item.title }}</a>
    <span class="meta">{{ item.author }} · {{ item.replies }} replies</span></li>
{% endfor %}
</ol>
</main>
<footer><p>{{ footer }}</p></footer>
</body>
</html>
"""
ITEMS = [
    {"id": n, "title": f"تجربة الموازنة التشاركية في البلدية رقم {n}", "author": f"عضو {n}",
     "replies": n * 3}
    for n in range(1, 28)
]  # fmt: skip

app = Flask(__name__)
# Compiled once, as Flask does for a template file; rendered on every request.
compiled = app.jinja_env.from_string(TEMPLATE)


@app.get("/")
def page():
    return compiled.render(title="تبادل", items=ITEMS, footer="A programme of the federation.")
