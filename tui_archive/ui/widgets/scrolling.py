"""Line API views whose height changes as they are used: one way to say so without moving the rest."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_height(view: ScrollView, height: int) -> None:
    """Make ``view`` ``height`` lines tall, laying the screen out again only if its scrollbar comes or goes.

    Longer or shorter, a view that still needs its scrollbar, or that needs none before or
    after, leaves everything else where it is: its scrollbar and lines are drawn again
    without a layout of the whole screen (which took 10 to 15 ms at 120x32, for each
    search's first page, its count, and each report highlighted).
    """
    size = Size(0, height)
    if size == view.virtual_size:
        return
    room = view.container_size.height
    shorter, longer = sorted((size.height, view.virtual_size.height))
    if (view.show_vertical_scrollbar and shorter > room) or (not view.show_vertical_scrollbar and longer <= room):
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
        view.refresh()
    else:
        view.virtual_size = size
