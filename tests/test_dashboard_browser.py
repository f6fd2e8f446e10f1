"""The dashboard in a real headless browser: Debian's Chromium driven by Playwright.

CI installs ``chromium`` (.ci/run); without it this test fails, it does not skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from teamsim.commands.dashboard import streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_S = 60.0
WORK_MS = 240_000  # simulating two scenarios on a slow CI machine


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the dashboard did not start within {STARTUP_S:g} s:\n{log.read_text()}")


@pytest.fixture
def dashboard_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "TEAMSIM_STORE": str(tmp_path / "store.duckdb")}
    log = tmp_path / "streamlit.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            streamlit_command(port), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.browser
def test_compare_two_bundled_scenarios_in_chromium(dashboard_url: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test drives Debian's Chromium; run "
            "`make chromium` (it installs it when it can), or as root: "
            "apt-get update && apt-get install -y chromium"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2600})
            page.goto(f"{dashboard_url}/compare?scenarios=retail_bank,auto_credit_partners")
            expect(page.get_by_role("heading", name="Compare")).to_be_visible(timeout=30_000)
            replications = page.get_by_label("Replications per scenario")
            replications.fill("3")
            replications.press("Tab")
            page.get_by_role("button", name="Compare", exact=True).click()

            table = page.locator("[data-testid='stTable']").first
            expect(table).to_be_visible(timeout=WORK_MS)
            expect(table).to_contain_text("P(plan met)")
            expect(table).to_contain_text("auto_credit_partners - retail_bank")
            charts = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot")
            expect(charts).to_have_count(3, timeout=60_000)
            expect(charts.first).to_contain_text("P(plan met)")
            expect(
                page.get_by_role("button", name="Download the comparison (Excel)")
            ).to_be_visible()
            shot = tmp_path / "compare.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()


@pytest.mark.browser
def test_the_calibrate_page_is_in_the_navigation(dashboard_url: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: see test_compare_two_bundled_scenarios_in_chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(dashboard_url)
            link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Calibrate")
            expect(link).to_be_visible(timeout=30_000)
            link.click()
            expect(page.get_by_role("heading", name="Calibrate")).to_be_visible(timeout=30_000)
            expect(page.get_by_role("button", name="Calibrate", exact=True)).to_be_disabled()
        finally:
            browser.close()
