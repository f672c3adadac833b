import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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
