"""The playground: GraphiQL served with its own assets (no CDN), driven in the machine's headless Chromium
(Debian's chromium + chromium-driver; `make test-tools` installs them). Under CI=true a missing Chromium
fails the test instead of skipping it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from edge_kit import Federation, client, federation

from supergraph.edge.playground import ASSET_PREFIX, STATIC
from supergraph.testing import serve_asgi

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


async def test_a_browser_gets_the_page_and_every_asset_from_the_gateway(fed: Federation) -> None:
    async with client(fed.app()) as http:
        page = await http.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
        assets = {name: await http.get(ASSET_PREFIX + name) for name in (
            "graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js",
            "plugin-explorer.umd.js", "plugin-explorer.css")}
        cached = await http.get(ASSET_PREFIX + "graphiql.min.js",
                                headers={"if-none-match": assets["graphiql.min.js"].headers["etag"]})
        api = await http.post("/graphql", json={"query": "{ __typename }"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "https://" not in html and "http://" not in html and "src=\"//" not in html  # nothing from elsewhere
    for name, response in assets.items():
        assert response.status_code == 200, name
        assert f'{ASSET_PREFIX}{name}"' in html
        assert response.content == (STATIC / name).read_bytes()
    assert cached.status_code == 304
    assert api.json() == {"data": {"__typename": "Query"}}


async def test_the_playground_can_be_turned_off(fed: Federation) -> None:
    async with client(fed.app(playground=False)) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        asset = await http.get(ASSET_PREFIX + "graphiql.min.js")
    assert page.status_code == 405 and page.headers["content-type"] == "application/json"
    assert asset.status_code == 404
    async with client(fed.app(environment="production")) as http:
        assert (await http.get("/graphql", headers={"accept": "text/html"})).status_code == 405


def _chromium_or_skip(paths: tuple[Path, ...] = (CHROMIUM, CHROMEDRIVER)) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        reason = f"{', '.join(missing)} missing: run `make test-tools` (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def test_without_chromium_the_browser_test_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = (Path("/nonexistent/chromium"),)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="make test-tools"):
        _chromium_or_skip(gone)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _chromium_or_skip(gone)


def test_graphiql_runs_a_query_across_two_subgraphs_in_chromium(fed: Federation) -> None:
    _chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                 # Only loopback resolves: a script or style fetched from anywhere else would fail to load.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    app = fed.app()
    with serve_asgi(app) as base:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            driver.set_page_load_timeout(60)
            driver.get(f"{base}/graphql")
            wait = WebDriverWait(driver, 60)
            wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".graphiql-query-editor")))
            # the explorer plugin and the headers editor are there
            assert driver.find_elements(By.CSS_SELECTOR, "button[aria-label*='Explorer']"), driver.page_source[:500]
            assert any(tab.text.strip() == "Headers" for tab in driver.find_elements(By.CSS_SELECTOR, "button"))
            query = "{ books { title owner { name } } }"
            driver.execute_script(
                "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(arguments[0])",
                query)
            fed.clear()
            driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
            read_result = "return document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
            deadline = time.monotonic() + 30
            result = ""
            while time.monotonic() < deadline and '"Ben"' not in result:
                result = driver.execute_script(read_result) or ""
                time.sleep(0.2)
            assert '"title": "Dune"' in result and '"name": "Ada"' in result and '"name": "Ben"' in result, (
                result, driver.get_log("browser"))
            assert fed.subgraphs["books"].requests and fed.subgraphs["accounts"].requests  # it crossed both
            severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert not severe, severe
        finally:
            driver.quit()
