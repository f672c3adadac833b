"""The one way text from data or users reaches the page: escaped HTML through ``st.html``, never markdown.

Streamlit's markdown turns ``![x](http://...)`` into an image the browser fetches and
``https://...`` into a live link even when escaped, so data text never goes through
it: these helpers build small HTML blocks with every value escaped (``html.escape``),
and ``st.html`` draws them without markdown and without scripts. The project's own
catalogue strings (labels) are escaped too.
"""

from __future__ import annotations

import html

import streamlit as st

ALERT_STYLES = {
    "error": ("rgba(255, 43, 43, 0.09)", "rgb(125, 53, 59)"),
    "warning": ("rgba(255, 227, 18, 0.1)", "rgb(146, 108, 5)"),
    "info": ("rgba(28, 131, 225, 0.1)", "rgb(0, 66, 128)"),
    "success": ("rgba(33, 195, 84, 0.1)", "rgb(23, 114, 51)"),
}


def esc(value: object) -> str:
    """Return `value` as escaped HTML text ("" for None); newlines kept as line breaks."""
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def line(label: str, value: object, *, small: bool = False) -> str:
    """Return one "label: value" paragraph."""
    style = ' style="font-size:0.875rem;opacity:0.75;margin:0 0 0.25rem 0"' if small else ' style="margin:0 0 0.25rem 0"'
    return f"<p{style}><b>{esc(label)}:</b> {esc(value)}</p>"


def text(value: object, *, small: bool = False) -> str:
    """Return a paragraph of text (wrapped, spaces kept)."""
    size = "font-size:0.875rem;opacity:0.75;" if small else ""
    return f'<p style="{size}white-space:pre-wrap;margin:0 0 0.25rem 0">{esc(value)}</p>'


def heading(value: object, level: int = 3) -> str:
    """Return a heading of `level` (2-4)."""
    return f"<h{level}>{esc(value)}</h{level}>"


def alert(kind: str, value: object) -> str:
    """Return an alert box (error, warning, info, success) holding `value` as text."""
    background, colour = ALERT_STYLES[kind]
    return (
        f'<div role="alert" class="hn-alert hn-{kind}" style="background:{background};color:{colour};'
        f'padding:0.75rem 1rem;border-radius:0.5rem;margin:0 0 0.5rem 0">{esc(value)}</div>'
    )


def show(*parts: str) -> None:
    """Draw the parts (built by the helpers above) as one block."""
    st.html("".join(parts))
