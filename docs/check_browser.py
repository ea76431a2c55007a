"""Open every built page in headless Chromium, as a reader would.

    python docs/check_browser.py [--html docs/_build/html] [--widths 1280,390]
                                 [--screenshots DIR] [--pages how-it-works]

For each HTML page of the built site (served on 127.0.0.1, so that the
SVG diagrams load as they would from a web server) and each viewport
width (1280 px, a desktop; 390 px, a phone), this fails when:

* the page is wider than the viewport (``scrollWidth > clientWidth``);
* a visible element of the page's content reaches past the viewport's
  left or right edge;
* a visible element of the content hides part of its own content behind a
  sideways scroll or a clip (``overflow-x`` auto, scroll, hidden or clip,
  with ``scrollWidth > clientWidth``).  Scrolling wrappers are *not*
  accepted: a reader who must scroll a table or a code block sideways has
  had it cut off, which is what the docs' issue #18 forbids.  Code wraps
  and tables stack instead (``_static/custom.css``);
* an image does not load (``img.complete && naturalWidth > 0``), or an
  SVG ``<object>`` (the Graphviz diagrams) does not hold a loaded SVG
  document.

With ``--screenshots DIR``, a full-page PNG of each page checked at each
width is saved there (``how-it-works-390.png``...); ``--pages`` limits
the check to pages whose names contain one of the given words.

Needs Selenium (``pip install selenium``) and Debian's ``chromium`` and
``chromium-driver`` (``/usr/bin/chromium``, ``/usr/bin/chromedriver``).
Without them it prints why it skipped, and exits 0.
"""

import argparse
import functools
import http.server
import os
import shutil
import socketserver
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome")
CHROMEDRIVER = ("/usr/bin/chromedriver",)
# The network here is closed: Chromium must not try to reach it.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars")

MAX_SHOWN = 12  # problems printed per page view

# Run in the page; returns a list of problems (strings).
CHECK_JS = r"""
const problems = [];
const root = document.documentElement;
const vw = root.clientWidth;
if (root.scrollWidth > vw + 1) {
  problems.push("page is " + root.scrollWidth + " px wide, the viewport "
                + vw + " px");
}
function describe(el) {
  let text = el.tagName.toLowerCase();
  if (el.id) text += "#" + el.id;
  if (el.classList.length) text += "." + Array.from(el.classList).join(".");
  const sample = (el.textContent || "").trim().replace(/\s+/g, " ");
  if (sample) text += ' ("' + sample.slice(0, 50) + '")';
  return text;
}
function visible(el, style) {
  if (style.display === "none" || style.visibility === "hidden") return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}
const content = document.querySelector("article") || document.body;
const reported = new Set();
for (const el of [content, ...content.querySelectorAll("*")]) {
  const style = getComputedStyle(el);
  if (!visible(el, style)) continue;
  // Its box past the viewport's edge (one report per subtree).
  const r = el.getBoundingClientRect();
  const left = r.left + window.scrollX, right = r.right + window.scrollX;
  if ((right > vw + 1 || left < -1)
      && !(el.parentElement && reported.has(el.parentElement))) {
    problems.push(describe(el) + " reaches from " + Math.round(left)
                  + " to " + Math.round(right) + " px, past the viewport ("
                  + vw + " px)");
    reported.add(el);
    continue;
  }
  if (el.parentElement && reported.has(el.parentElement)) {
    reported.add(el);
    continue;
  }
  // Its content hidden behind a sideways scroll or a clip.
  if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)
      && el.scrollWidth > el.clientWidth + 1) {
    problems.push(describe(el) + " hides " + (el.scrollWidth - el.clientWidth)
                  + " px of its content (overflow-x: " + style.overflowX
                  + ")");
    reported.add(el);  // not its descendants again
  }
}
for (const img of document.images) {
  if (!(img.complete && img.naturalWidth > 0)) {
    problems.push("image did not load: " + img.getAttribute("src"));
  }
}
for (const obj of document.querySelectorAll("object")) {
  let doc = null;
  try { doc = obj.contentDocument; } catch (e) { doc = null; }
  const ok = doc && doc.documentElement
    && doc.documentElement.nodeName.toLowerCase() === "svg";
  const box = obj.getBoundingClientRect();
  if (!ok || box.width === 0 || box.height === 0) {
    problems.push("object did not load: " + obj.getAttribute("data"));
  }
}
return problems;
"""

# Run in the page: true once every image and SVG object has loaded.
READY_JS = r"""
if (document.readyState !== "complete") return false;
for (const img of document.images) {
  img.loading = "eager";
  if (!img.complete) return false;
}
for (const obj of document.querySelectorAll("object")) {
  let doc = null;
  try { doc = obj.contentDocument; } catch (e) { return true; }
  if (!doc || doc.readyState !== "complete") return false;
}
return true;
"""


def _find(candidates):
    for path in candidates:
        if os.path.exists(path):
            return path
    return None


def _skip(reason):
    print("check_browser: skipped: %s" % reason)
    return 0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory):
    handler = functools.partial(_Quiet, directory=directory)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _pages(html, words):
    pages = []
    for dirpath, dirnames, filenames in os.walk(html):
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(("_", "."))]
        for name in filenames:
            if name.endswith(".html"):
                rel = os.path.relpath(os.path.join(dirpath, name), html)
                if not words or any(w in rel for w in words):
                    pages.append(rel.replace(os.sep, "/"))
    return sorted(pages)


def _set_viewport(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1,
        "mobile": width < 600})


def _wait_ready(driver, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script(READY_JS):
            return True
        time.sleep(0.1)
    return False


def _screenshot(driver, width, path):
    height = driver.execute_script(
        "return Math.max(document.documentElement.scrollHeight,"
        " document.body.scrollHeight)")
    _set_viewport(driver, width, min(int(height), 20000))
    time.sleep(0.3)
    driver.save_screenshot(path)
    _set_viewport(driver, width, 900)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", default=os.path.join(HERE, "_build",
                                                       "html"))
    parser.add_argument("--widths", default="1280,390")
    parser.add_argument("--screenshots", metavar="DIR")
    parser.add_argument("--pages", nargs="*", default=[],
                        help="only pages whose names contain one of these")
    args = parser.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",")]

    chromium = _find(CHROMIUM)
    chromedriver = _find(CHROMEDRIVER) or shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        return _skip("no chromium/chromedriver (apt-get install chromium "
                     "chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return _skip("no selenium (pip install selenium)")
    if not os.path.exists(os.path.join(args.html, "index.html")):
        sys.stderr.write("check_browser: no built site at %s (build it with "
                         "python -m sphinx -b html docs docs/_build/html)\n"
                         % args.html)
        return 2
    pages = _pages(args.html, args.pages)
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)

    server = _serve(args.html)
    base = "http://127.0.0.1:%d/" % server.server_address[1]
    profile = tempfile.mkdtemp(prefix="check-browser-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS + ("--user-data-dir=" + profile,):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    failures = 0
    try:
        driver.set_page_load_timeout(30)
        for width in widths:
            _set_viewport(driver, width, 900)
            for page in pages:
                driver.get(base + page)
                if not _wait_ready(driver):
                    problems = ["page or its images did not finish loading"]
                else:
                    problems = []
                problems += driver.execute_script(CHECK_JS)
                if args.screenshots:
                    name = page[:-len(".html")].replace("/", "-")
                    _screenshot(driver, width, os.path.join(
                        args.screenshots, "%s-%d.png" % (name, width)))
                status = "FAIL" if problems else "ok"
                print("%-4s %4d px  %s" % (status, width, page))
                for problem in problems[:MAX_SHOWN]:
                    print("       - %s" % problem)
                if len(problems) > MAX_SHOWN:
                    print("       ... and %d more" % (len(problems)
                                                     - MAX_SHOWN))
                failures += bool(problems)
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    checked = len(pages) * len(widths)
    if failures:
        print("check_browser: %d of %d page views failed" % (failures,
                                                             checked))
        return 1
    print("check_browser: %d pages at %s px: all fit, all images loaded"
          % (len(pages), ", ".join(map(str, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
