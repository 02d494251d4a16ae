"""Blocking core calls run in threads, and their failures all reach :meth:`ArchiveApp.on_worker_state_changed`."""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode
from textual.worker import Worker


def run_blocking(node: DOMNode, work: Callable[[], None], *, group: str, exclusive: bool = False) -> Worker[None]:
    """Run ``work`` (which calls the core, and may block) in a thread owned by the app.

    The worker belongs to the app, not to ``node``, so that an archive error
    raised in any of them is shown by the app's one handler; ``work`` posts its
    results to ``node`` as messages.
    """
    return node.app.run_worker(
        work, name=f"{group}:{type(node).__name__}", group=group, exclusive=exclusive, thread=True, exit_on_error=False
    )
