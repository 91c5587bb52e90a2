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


@functools.cache
def _axe_source():
    return AXE.read_text()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def audit_shown_page(page, name, language):
    """What is wrong with the page the browser shows: anything its Content-Security-Policy
    blocked, its language and direction, axe-core on the desktop and on a 360 px phone,
    sideways scrolling; photographed at both widths."""
    found = [f"CSP: {violation}" for violation in csp_violations(page)]
    html = page.locator("html")
    direction = "rtl" if language == "ar" else "ltr"
    if (html.get_attribute("lang"), html.get_attribute("dir")) != (language, direction):
        found.append(f"<html> is not lang={language} dir={direction}")
    screenshot(page, f"{name}-{language}-desktop")
    found += axe_violations(page)
    page.set_viewport_size(PHONE)
    if scrolls_sideways(page):
        found.append("scrolls sideways on a 360px phone")
    # Again on the phone: some problems (a box that scrolls, small targets) only appear there.
    found += [f"phone: {problem}" for problem in axe_violations(page) if problem not in found]
    screenshot(page, f"{name}-{language}-phone")
    return found
