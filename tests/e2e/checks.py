"""The outside tools of the browser suite (Chromium, axe-core, vnu-jar, java) and their checks."""

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, never a Playwright download (`playwright install` cannot work here).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

# The phone header's budget: a third of a 740 px screen was too much (issue 13).
PHONE_HEADER_MAX = 120
FACE = "IBM Plex Sans Arabic"  # bundled in static/fonts, declared in forum.css
SAMPLE_TEXT = {"ar": "مرحبا", "en": "Hello"}

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def missing_tools():
    """What the suite needs and cannot find, each with the command that brings it."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not (AXE.exists() and VNU.exists()):
        missing.append("axe-core and vnu-jar in node_modules (npm ci --ignore-scripts)")
    if shutil.which("java") is None:
        missing.append("java (apt-get install default-jre-headless)")
    return missing


# Run in every page before its own scripts (by the DevTools protocol, which the page's
# Content-Security-Policy does not govern): what the policy blocked, for csp_violations.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`
        + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def csp_violations(page):
    """What the page's Content-Security-Policy has blocked since it loaded."""
    return page.evaluate("window.__cspViolations || []")


def axe_violations(page):
    """Serious and critical accessibility violations on the page, as short readable lines.

    axe-core is evaluated, not added as a <script>: the page's policy allows no inline script.
    """
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(_axe_source())
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
        for v in violations
        if v["impact"] in FAILING_IMPACTS
    ]


def html_errors(files):
    """Nu HTML Checker errors for each file, from one JVM run over all of them."""
    command = ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode in (0, 1), f"vnu failed to run: {result.stderr}"
    errors = {}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] == "info":  # warnings; "non-document-error" (unreadable file) counts
            continue
        name = Path(message.get("url", "stdin").removeprefix("file:")).name
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(
            f"line {line}: {message['message']} [{message.get('extract', '').strip()}]"
        )
    return errors


def scrolls_sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def words_split(page):
    """Words drawn on two lines inside a table cell or a heading: for each word of each text
    node there, its Range's line boxes (getClientRects) must all sit on one line. A word is a
    run without white space, up to and with a hyphen or slash (a line may end after one); two
    boxes on one line (a bidi run) are still one line. A run wider than the page's main column
    (a mail's Message-ID) cannot fit on any line and is left out."""
    return page.evaluate(
        """() => {
            const found = [];
            const word = /[^\\s\\/\u2010-\u2014-]+[\\/\u2010-\u2014-]*/g;
            const column = document.querySelector('main') || document.body;
            const style = getComputedStyle(column);
            const widest = column.clientWidth - parseFloat(style.paddingInlineStart)
                - parseFloat(style.paddingInlineEnd);
            const holders = document.querySelectorAll('td, th, h1, h2, h3, h4, h5, h6');
            for (const holder of holders) {
                if (!holder.getClientRects().length) continue;  // not shown
                const walker = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (const match of node.data.matchAll(word)) {
                        const range = document.createRange();
                        range.setStart(node, match.index);
                        range.setEnd(node, match.index + match[0].length);
                        const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
                        const tops = rects.map(rect => rect.top);
                        const width = rects.reduce((sum, rect) => sum + rect.width, 0);
                        if (width > widest) continue;  // fits on no line: must break
                        if (tops.length && Math.max(...tops) - Math.min(...tops) > 2) {
                            found.push(`"${match[0]}" in <${holder.tagName.toLowerCase()}>`);
                        }
                    }
                }
            }
            return found.slice(0, 10);
        }"""
    )


def header_height(page):
    return page.evaluate(
        "Math.round(document.querySelector('.site-header').getBoundingClientRect().height)"
    )


def font_problems(page, language):
    """Whether the body text is drawn in the bundled face: the computed family names it first,
    the face covering the language's letters has loaded, and document.fonts.check agrees
    (check() alone says yes for a family the page never declared)."""
    return page.evaluate(
        """async ([face, sample]) => {
            await document.fonts.ready;
            const problems = [];
            const family = getComputedStyle(document.querySelector('main')).fontFamily;
            if (family.split(',')[0].replace(/["']/g, '').trim() !== face) {
                problems.push(`body text is in ${family}`);
            }
            const code = sample.codePointAt(0);
            const covers = (range) => range.split(',').some((part) => {
                const [from, to] = part.trim().replace(/^U\\+/i, '').split('-')
                    .map((hex) => parseInt(hex, 16));
                return code >= from && code <= (to || from);
            });
            const loaded = [...document.fonts].filter((font) =>
                font.family.replace(/["']/g, '') === face && font.status === 'loaded'
                && covers(font.unicodeRange));
            if (!loaded.length) problems.push(`no ${face} face for "${sample}" has loaded`);
            if (!document.fonts.check(`16px "${face}"`, sample)) {
                problems.push(`document.fonts.check fails for "${sample}"`);
            }
            return problems;
        }""",
        [FACE, SAMPLE_TEXT[language]],
    )


def phone_problems(page):
    """What the design checks on a 360 px phone: the header's height and unbroken words."""
    found = []
    height = header_height(page)
    if height > PHONE_HEADER_MAX:
        found.append(f"the phone header is {height}px tall (at most {PHONE_HEADER_MAX})")
    found += [f"a word split on two lines: {word}" for word in words_split(page)]
    return found


@functools.cache
def _axe_source():
    return AXE.read_text()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def audit_shown_page(page, name, language, *, forum_page=True):
    """What is wrong with the page the browser shows: anything its Content-Security-Policy
    blocked, its language and direction, axe-core on the desktop and on a 360 px phone, the
    bundled face, and on the phone sideways scrolling, the header's height and words split
    inside themselves; photographed at both widths. A mail (forum_page=False) is held to all
    but the face and the header."""
    found = [f"CSP: {violation}" for violation in csp_violations(page)]
    html = page.locator("html")
    direction = "rtl" if language == "ar" else "ltr"
    if (html.get_attribute("lang"), html.get_attribute("dir")) != (language, direction):
        found.append(f"<html> is not lang={language} dir={direction}")
    screenshot(page, f"{name}-{language}-desktop")
    found += axe_violations(page)
    if forum_page:  # not a mail: it has neither the forum's face nor its header
        found += font_problems(page, language)
    page.set_viewport_size(PHONE)
    if scrolls_sideways(page):
        found.append("scrolls sideways on a 360px phone")
    if forum_page:
        found += phone_problems(page)
    else:
        found += [f"a word split on two lines: {word}" for word in words_split(page)]
    # Again on the phone: some problems (a box that scrolls, small targets) only appear there.
    found += [f"phone: {problem}" for problem in axe_violations(page) if problem not in found]
    screenshot(page, f"{name}-{language}-phone")
    return found
