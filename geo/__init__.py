"""Pure-Python core of the Hà Nội planning map: register, deadlines, agencies, geometry, export.

Nothing in this package imports streamlit or folium (see tests/test_imports.py).
"""

__version__ = "0.1.0"
