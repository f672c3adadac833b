import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The app's planning store during tests: a scratch SQLite file, never the developer's store/ or a shared server.
TEST_STORE = Path(tempfile.mkdtemp(prefix="hanoi-test-store-")) / "planning.sqlite"
os.environ["DATABASE_URL"] = f"sqlite:///{TEST_STORE}"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.agencies import load_agencies  # noqa: E402
from geo.register import load_register  # noqa: E402


@pytest.fixture(scope="session")
def agencies():
    return load_agencies()


@pytest.fixture(scope="session")
def tasks():
    return load_register()


APP = str(ROOT / "app.py")


def run_page(page: str, *, query_params: dict | None = None, timeout: int = 60, **state):
    """Run `page` of the app once with AppTest, after setting the URL and the widget state a returning user has."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=timeout)
    app.switch_page(page)
    for key, value in (query_params or {}).items():
        app.query_params[key] = value
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def html_texts(app) -> list[str]:
    """Return the text of every st.html block of a run (tags dropped, entities decoded), as a reader sees it."""
    import html as html_lib
    import re

    return [html_lib.unescape(re.sub(r"<[^>]+>", " ", element.proto.body)) for element in _html_elements(app)]


def _html_elements(app) -> list:
    return [*app.get("html"), *app.sidebar.get("html")]


def alerts(app, kind: str) -> list[str]:
    """Return the text of the alerts (error, warning, info, success) drawn through pages/_text.py."""
    return [text for element, text in zip(_html_elements(app), html_texts(app), strict=True) if f"hn-{kind}" in element.proto.body]
