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
