"""Map-layer specs (data) and their rendering to folium; never imports streamlit."""
