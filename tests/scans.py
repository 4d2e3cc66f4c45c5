"""Scanned copies of real PDF reports, made the way a scan degrades a page: rendered to an image at a
scanner's resolution, tilted by a degree or two, saved as a lossy JPEG, wrapped back into a PDF whose
pages are images only (no text layer). Deterministic: the same arguments give the same bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from PIL import Image


def scanned_pdf(source: Path, dpi: int, tilt: float, quality: int = 55) -> bytes:
    document = pypdfium2.PdfDocument(str(source))
    pages = []
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(tilt, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality)
            pages.append(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out.getvalue()


def image_pdf(pages: int, size: tuple[int, int] = (200, 280)) -> bytes:
    """A PDF of blank image pages (a scan with nothing on it), for limits."""
    images = [Image.new("RGB", size, "white") for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=25.0)
    return out.getvalue()
