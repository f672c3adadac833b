"""Start the app (``streamlit run app.py``) with Streamlit's legacy ``pages/`` auto-discovery off.

app.py declares its pages with ``st.navigation``. Streamlit still treats a folder named
``pages/`` beside the main script as a legacy multipage app until the first
``st.navigation`` call of the process, so the very first visit to a deep link
(``/tod``) after a start would run that page alone, without the shared sidebar.
Clearing the flag before the server starts makes every visit go through app.py.
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def preload() -> None:
    """Import the heavy libraries before the server starts, so the first visitor does not wait for them."""
    # only libraries that do not register anything with Streamlit (components must wait for the runtime)
    import folium  # noqa: F401
    import geopandas  # noqa: F401

    import geo.context
    import geo.features
    import geo.mapdata
    import layers.render  # noqa: F401

    geo.context.load_context(light=True)  # read and simplify the wards once, before the first visitor


if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    preload()
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())
