"""Start the real app on a free port and drive Debian's Chromium with Playwright (no download, no network)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium): browser tests skipped", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    yield from _serve({})


def _serve(extra_env: dict[str, str], *, port: int | None = None, args: tuple[str, ...] = ()):
    port = port or free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **extra_env}
    proc = subprocess.Popen(
        [sys.executable, "serve.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the app did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


HOSTILE = '![pix](http://127.0.0.1:9/pix.png) [lnk](https://example.org/x) **bold** _em_ <img src=x onerror="window.pwned=1"> $x^2$ :red[red]'


@pytest.fixture(scope="session")
def hostile_app_url(tmp_path_factory):
    """The app on a copy of the data whose Hòa Lạc features, their tasks and agencies carry markdown and HTML."""
    import csv
    import json

    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("seeds", "sources"))
    collection = json.loads((folder / "projects.geojson").read_text(encoding="utf-8"))
    hoa_lac = set()
    for feature in collection["features"]:
        props = feature["properties"]
        if props["layer"] == "hoa_lac":
            hoa_lac.add(props["id"])
            props.update(name=f"Hòa Lạc {HOSTILE}", status_source=HOSTILE, status_date=HOSTILE, geometry_source=HOSTILE)
    (folder / "projects.geojson").write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    with open(folder / "links.csv", encoding="utf-8", newline="") as handle:
        links = list(csv.DictReader(handle))
    tasks_hit = {row["task_id"] for row in links if row["feature_id"] in hoa_lac}
    for row in links:
        if row["feature_id"] in hoa_lac:
            row["basis"] = HOSTILE
    _rewrite(folder / "links.csv", links)
    with open(folder / "tasks.csv", encoding="utf-8", newline="") as handle:
        tasks = list(csv.DictReader(handle))
    leads = set()
    for row in tasks:
        if row["id"] in tasks_hit:
            row.update(task=HOSTILE, product=HOSTILE, tt=HOSTILE, due_raw=f"Quý IV/2027 {HOSTILE}")
            leads |= {agency for agency in row["lead_agency"].split(";") if agency}
    _rewrite(folder / "tasks.csv", tasks)
    with open(folder / "agencies.csv", encoding="utf-8", newline="") as handle:
        agencies = list(csv.DictReader(handle))
    for row in agencies:
        if row["id"] in leads:
            row["name_vi"] = f"{row['name_vi']} {HOSTILE}"
    _rewrite(folder / "agencies.csv", agencies)
    yield from _serve({"HANOI_DATA_DIR": str(folder)})


def _rewrite(path: Path, rows: list[dict]) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"), args=FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def oidc_app_url(tmp_path_factory):
    """The app with an OpenID Connect provider (a local oidc-provider-mock) configured in its secrets."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=0) as provider:
        issuer = f"http://127.0.0.1:{provider.server_port}"
        port = free_port()
        secrets = tmp_path_factory.mktemp("oidc") / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "hanoi-planning-map"\n'
            'client_secret = "test-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        yield from _serve({}, port=port, args=("--secrets.files", str(secrets)))
