"""The HTML publication in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by selenium), offline from ``file://``.

Follows the navigation through every chapter; no request leaves ``file://``/``data:``; no
console error; axe-core (npm, ``package.json``) finds no serious or critical WCAG 2.1 A/AA
violation; at 400 px the page does not scroll sideways and the status and number columns are on
screen. Screenshots at 1280 and 400 px are saved in the test's tmp folder.

Skipped, with the reason, only where chromium, its driver or axe-core is missing on a
developer's machine; under CI (``CI=true``) a missing piece is a failure.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sikkerby.config.paths import PROJECT_DIR

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run",
                  "--disable-sync", "--disable-extensions", "--disable-default-apps")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
LOCAL_SCHEMES = {"file", "data", "about", "blob"}
WIDTHS = (1280, 400)

pytestmark = pytest.mark.slow


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing() -> list[str]:
    missing = []
    if _chromium() is None:
        missing.append("chromium (apt-get install chromium)")
    if shutil.which("chromedriver") is None:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if not AXE.is_file():
        missing.append("axe-core (npm ci)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    return missing


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = _missing()
    if missing:
        message = "the browser test needs " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — .ci/run installs them")
        pytest.skip(message)
    previous = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # selenium must never try to download a driver or a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _chromium()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()
    if previous is None:
        os.environ.pop("SE_OFFLINE", None)
    else:
        os.environ["SE_OFFLINE"] = previous


def _requests(driver) -> list[str]:
    """URLs the pages asked for since the last call (Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def _axe(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
        AXE_TAGS)


def _set_width(driver, width: int, height: int = 1000) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def _screenshot(driver, path: Path, width: int) -> None:
    """The whole page at ``width`` px as PNG."""
    full = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    _set_width(driver, width, min(int(full), 16000))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    _set_width(driver, width)


def _narrow_layout_problems(driver, width: int) -> list[str]:
    return driver.execute_script("""
        const width = arguments[0], problems = [];
        const page = document.scrollingElement;
        if (page.scrollWidth > window.innerWidth + 1)
            problems.push(`the page scrolls sideways: ${page.scrollWidth} px > ${window.innerWidth} px`);
        for (const cell of document.querySelectorAll('table.sb-table td.sb-status, table.sb-table td.sb-num')) {
            const box = cell.getBoundingClientRect();
            if (box.width === 0) continue;
            if (box.left < -1 || box.right > width + 1)
                problems.push(`off screen (${Math.round(box.left)}–${Math.round(box.right)} px): `
                              + (cell.dataset.label || '') + ' ' + cell.textContent.trim());
        }
        return problems.slice(0, 10);""", width)


def test_publication_in_a_browser(browser, sample_publication, tmp_path):
    pub = sample_publication
    index = (pub / "index.html").resolve()
    browser.get(index.as_uri())
    _requests(browser)  # start the log from here
    nav = [a.get_attribute("href") for a in browser.find_elements("css selector", "nav.sb-toc ol a")]
    chapters = sorted(p.name for p in pub.glob("*.html"))
    assert sorted(Path(urlparse(href).path).name for href in nav) == chapters

    report, visited = {}, []
    for position in range(len(nav)):
        browser.get(index.as_uri())
        link = browser.find_elements("css selector", "nav.sb-toc ol a")[position]
        target = link.get_attribute("href")
        link.click()  # follow the navigation as a reader does
        assert browser.current_url == target
        name = Path(urlparse(target).path).name
        visited.append(name)
        assert browser.find_element("css selector", "h1.sb-chapter-title").text.strip()

        violations = _axe(browser)
        problems = {}
        for width in WIDTHS:
            _set_width(browser, width)
            _screenshot(browser, tmp_path / f"{Path(name).stem}-{width}.png", width)
            if width <= 400:
                problems[width] = _narrow_layout_problems(browser, width)
        _set_width(browser, 1280)
        report[name] = {"violations": violations, "layout": problems,
                        "requests": _requests(browser), "console": _console_errors(browser)}

    # the pager leads from the front page through every chapter in order
    browser.get(index.as_uri())
    pager = ["index.html"]
    while browser.find_elements("css selector", "a[rel=next]"):
        browser.find_element("css selector", "a[rel=next]").click()
        pager.append(Path(urlparse(browser.current_url).path).name)
    assert pager == [Path(urlparse(href).path).name for href in nav]

    (tmp_path / "browser-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    assert sorted(visited) == chapters
    for name, found in report.items():
        remote = [u for u in found["requests"] if urlparse(u).scheme not in LOCAL_SCHEMES]
        assert not remote, (name, remote)
        assert not found["console"], (name, found["console"])
        blocking = [v for v in found["violations"] if v["impact"] in BLOCKING]
        assert not blocking, (name, blocking)
        for width, problems in found["layout"].items():
            assert not problems, (name, width, problems)
    for name in chapters:
        for width in WIDTHS:
            shot = tmp_path / f"{Path(name).stem}-{width}.png"
            assert shot.read_bytes().startswith(b"\x89PNG"), shot
