"""Run axe-core (in the page) and the Nu Html Checker (on the served HTML) over tests/a11y/pages.py.

One browser, one context per role, every page at every viewport; the HTML of every page is
written to a folder and checked by ONE java run (the JVM takes seconds to start)."""

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tests.a11y.pages import DEVICE, EXHIBITOR, ORGANIZER, PAGES, VIEWPORTS, AuditPage

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
BLOCKING = {"critical", "serious"}

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}"""


@dataclass
class PageResult:
    page: AuditPage
    axe: dict = field(default_factory=dict)  # viewport width -> list of violations
    vnu: list = field(default_factory=list)  # Nu checker errors

    def blocking(self, width: int) -> list:
        return [v for v in self.axe.get(width, []) if v["impact"] in BLOCKING]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def role_contexts(browser, live_server, scene) -> dict:
    """A browser context per role, each with its own cookies."""
    from django.test import Client

    def context(user=None):
        # bypass_csp: axe-core is injected as an inline script, which the site's CSP (scripts
        # from our static files only) refuses; the CSP itself is checked by the e2e tests.
        ctx = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            bypass_csp=True,
        )
        ctx.set_default_timeout(15_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            ctx.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        return ctx

    contexts = {None: context(), EXHIBITOR: context(scene.exhibitor_user)}
    contexts[ORGANIZER] = context(scene.organizer)
    device = context()
    pairing = device.new_page()
    pairing.goto(scene.pairing_path)
    pairing.wait_for_url("**/checkin/")
    pairing.close()
    contexts[DEVICE] = device
    return contexts


def audit(browser, live_server, scene, html_dir: Path, pages=PAGES) -> list[PageResult]:
    contexts = role_contexts(browser, live_server, scene)
    tabs = {role: ctx.new_page() for role, ctx in contexts.items()}
    results = []
    try:
        for item in pages:
            tab = tabs.get(item.role, tabs[None])
            result = PageResult(item)
            for width, height in VIEWPORTS:
                tab.set_viewport_size({"width": width, "height": height})
                response = tab.goto(item.url(scene))
                if item.submit:
                    with tab.expect_navigation() as navigation:
                        tab.locator(item.submit).first.click()
                    response = navigation.value
                if item.ready:
                    tab.wait_for_selector(item.ready)
                tab.wait_for_load_state("load")
                tab.add_script_tag(path=str(AXE))
                result.axe[width] = tab.evaluate(AXE_RUN)
                if width == VIEWPORTS[0][0]:
                    (html_dir / f"{_slug(item.name)}.html").write_bytes(response.body())
            results.append(result)
    finally:
        for ctx in contexts.values():
            ctx.close()
    by_file = nu_check(sorted(html_dir.glob("*.html")))
    for result in results:
        result.vnu = by_file.get(f"{_slug(result.page.name)}.html", [])
    return results


def nu_check(files: list[Path]) -> dict[str, list]:
    """Errors of the Nu Html Checker per file name, from one java run over all the files."""
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    errors: dict[str, list] = {}
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        name = message.get("url", "").rsplit("/", 1)[-1]
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')}"
        )
    return errors


def table(results: list[PageResult]) -> str:
    """The pages × (axe serious+critical at each width, vnu errors), as Markdown."""
    widths = [w for w, _h in VIEWPORTS]
    head = "| page | " + " | ".join(f"axe {w}" for w in widths) + " | vnu errors |"
    lines = [head, "|" + " --- |" * (len(widths) + 2)]
    for r in results:
        cells = [str(len(r.blocking(w))) for w in widths]
        lines.append(f"| {r.page.name} | " + " | ".join(cells) + f" | {len(r.vnu)} |")
    return "\n".join(lines)


def details(results: list[PageResult]) -> str:
    """What failed, page by page: enough to fix it without running the tools by hand."""
    out = []
    for r in results:
        for width in r.axe:
            for v in r.blocking(width):
                out.append(
                    f"{r.page.name} @{width}: axe {v['impact']} {v['id']}: {v['help']} {v['nodes']}"
                )
        out.extend(f"{r.page.name}: vnu {e}" for e in r.vnu)
    return "\n".join(out)
