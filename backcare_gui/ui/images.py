"""Pictures and icons as pixmaps, rendered at the screen's real resolution and cached."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRectF, QSize
from PySide6.QtGui import QColor, QIcon, QImageReader, QPainter, QPixmap

from backcare_gui import resources

if TYPE_CHECKING:
    from PySide6.QtSvg import QSvgRenderer
from backcare_gui.ui import theme

TRANSPARENT = QColor(0, 0, 0, 0)
ICON_INK = b"#1f2a30"  # the one colour icons are drawn in; replaced by the palette's text colour


class PictureCache:
    """Renders each (picture, size, scale) once; SVG stays sharp at any size, PNG/JPEG scale."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Path, int, int, float], QPixmap] = {}

    def get(self, path: Path | None, size: QSize, device_ratio: float = 1.0) -> QPixmap:
        key = (path or Path(), size.width(), size.height(), device_ratio)
        pixmap = self._cache.get(key)
        if pixmap is None:
            pixmap = self._cache[key] = render(path, size, device_ratio)
        return pixmap

    def clear(self) -> None:
        self._cache.clear()


def render(path: Path | None, size: QSize, device_ratio: float = 1.0) -> QPixmap:
    """A transparent pixmap with the picture centred and kept in proportion."""
    pixels = QSize(round(size.width() * device_ratio), round(size.height() * device_ratio))
    pixmap = QPixmap(pixels)
    pixmap.fill(TRANSPARENT)
    if path is not None and path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgRenderer  # not at import: the first frame needs none

        renderer = QSvgRenderer(str(path))
        if renderer.isValid():
            _paint_svg(renderer, pixmap)
    elif path is not None:
        from PySide6.QtCore import Qt  # not at import time: see theme.setup

        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        image = reader.read()
        if not image.isNull():
            scaled = image.scaled(pixels, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            painter = QPainter(pixmap)
            painter.drawImage((pixels.width() - scaled.width()) // 2,
                              (pixels.height() - scaled.height()) // 2, scaled)
            painter.end()
    pixmap.setDevicePixelRatio(device_ratio)
    return pixmap


def _paint_svg(renderer: QSvgRenderer, pixmap: QPixmap) -> None:
    box = renderer.viewBoxF()
    if box.isEmpty():
        box = QRectF(0, 0, renderer.defaultSize().width(), renderer.defaultSize().height())
    scale = min(pixmap.width() / box.width(), pixmap.height() / box.height())
    w, h = box.width() * scale, box.height() * scale
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF((pixmap.width() - w) / 2, (pixmap.height() - h) / 2, w, h))
    painter.end()


def icon(name: str, colour: str | None = None) -> QIcon:
    """A line icon from assets/icons, inked in the palette's text colour (or `colour`)."""
    path = resources.asset(f"icons/{name}.svg")
    try:
        data = path.read_bytes()
    except OSError:
        return QIcon()
    ink = (colour or theme.current().text).encode()
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(data.replace(ICON_INK, ink)))
    result = QIcon()
    for side in (16, 24, 32, 48, 64):
        pixmap = QPixmap(side, side)
        pixmap.fill(TRANSPARENT)
        _paint_svg(renderer, pixmap)
        result.addPixmap(pixmap)
    return result


def app_icon() -> QIcon:
    path = resources.asset("icons/backcare.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()
