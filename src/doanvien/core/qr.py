"""QR codes drawn by segno as inline SVG: no image file, no script, sharp at any size and in
print (the SVG has a viewBox and no size: the page's style sizes it)."""

import segno


def qr_svg(text: str, *, title: str = "") -> str:
    """The QR code of `text` as an <svg> element (error correction M: a card may be worn)."""
    code = segno.make(text, error="m", micro=False)
    return code.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, light="#fff", title=title
    )
