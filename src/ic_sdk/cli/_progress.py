"""Showing what the CLI is doing: steps, notes, and live progress while waiting.

Two renderings of the same calls. On a terminal (with the ``[cli]`` extra installed)
:class:`RichReporter` draws a live display with a spinner, status, copies and elapsed
time per resource; everywhere else (pipes, CI logs, tests) :class:`PlainReporter` prints
one line per change, with elapsed times from the waiter's clock. rich is imported only
when the rich rendering is chosen.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TextIO

from ic_sdk.waiters import EventKind, WaiterEvent

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["PlainReporter", "Reporter", "RichReporter", "Tracker", "make_reporter"]

State = Literal["running", "done", "failed"]
Mode = Literal["auto", "rich", "plain", "quiet"]


def copies_text(current: int | None, desired: int | None) -> str:
    """``copies 1/2`` (current/desired), or ``""`` when the component reports none."""
    if current is None and desired is None:
        return ""
    return f"copies {'-' if current is None else current}/{'-' if desired is None else desired}"


class Tracker(abc.ABC):
    """Receives the progress of one or more concurrent waits.

    Subclasses draw rows (:meth:`update`); :meth:`on_event` turns a waiter's
    :class:`WaiterEvent` into those calls (pass it as ``on_event=`` to any ``wait_until_*``).
    """

    @abc.abstractmethod
    def update(
        self,
        name: str,
        *,
        status: str | None,
        detail: str = "",
        elapsed: float = 0.0,
        state: State = "running",
    ) -> None:
        raise NotImplementedError

    def on_event(self, event: WaiterEvent) -> None:
        copies = copies_text(event.current_copies, event.desired_copies)
        if event.kind is EventKind.SUCCEEDED:
            status: str | None = event.status
            if event.until == "deleted":
                status, copies = "deleted", ""
            self.update(
                event.name, status=status, detail=copies, elapsed=event.elapsed, state="done"
            )
        elif event.kind is EventKind.FAILED:
            reason = event.failure_reason or "no reason given"
            self.update(
                event.name,
                status=event.status,
                detail=reason,
                elapsed=event.elapsed,
                state="failed",
            )
        elif event.kind is EventKind.TIMED_OUT:
            self.update(
                event.name,
                status=event.status,
                detail="timed out",
                elapsed=event.elapsed,
                state="failed",
            )
        elif event.kind is EventKind.RETRYING:
            what = type(event.error).__name__ if event.error is not None else "error"
            self.update(
                event.name,
                status=event.status or "waiting",
                detail=f"retrying after {what}",
                elapsed=event.elapsed,
            )
        elif event.next_delay is not None:
            # No next delay: the wait ends, and SUCCEEDED/FAILED/TIMED_OUT follows at once.
            self.update(event.name, status=event.status, detail=copies, elapsed=event.elapsed)


class Reporter(abc.ABC):
    """Steps and notes as plain lines; subclasses draw them differently."""

    @abc.abstractmethod
    def step(self, title: str) -> None:
        raise NotImplementedError

    @abc.abstractmethod
    def note(self, text: str) -> None:
        raise NotImplementedError

    @abc.abstractmethod
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        raise NotImplementedError

    @abc.abstractmethod
    def tracking(self) -> contextlib.AbstractContextManager[Tracker]:
        """A context in which waits report to the returned :class:`Tracker`."""
        raise NotImplementedError


# --------------------------------------------------------------------------- plain


class _PlainTracker(Tracker):
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last: dict[str, tuple[str | None, str, State]] = {}

    def update(
        self,
        name: str,
        *,
        status: str | None,
        detail: str = "",
        elapsed: float = 0.0,
        state: State = "running",
    ) -> None:
        shown = (status, detail, state)
        if self._last.get(name) == shown:
            return
        self._last[name] = shown
        mark = {"running": " ", "done": "✓", "failed": "✗"}[state]
        timing = f"after {elapsed:.1f}s" if state != "running" else f"+{elapsed:.1f}s"
        parts = [f"  {mark} {name:<28}", f"{status or '?':<10}"]
        if detail:
            parts.append(detail)
        parts.append(timing)
        self._stream.write("  ".join(parts) + "\n")
        self._stream.flush()


class PlainReporter(Reporter):
    """One line per step, note and change of state."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def step(self, title: str) -> None:
        self._stream.write(f"==> {title}\n")
        self._stream.flush()

    def note(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self._stream.write(f"    {line}\n")
        self._stream.flush()

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        import io

        from ic_sdk.cli._output import table

        buffer = io.StringIO()
        table(headers, rows, buffer)
        for line in buffer.getvalue().splitlines():
            self._stream.write(f"    {line}\n")
        self._stream.flush()

    @contextlib.contextmanager
    def tracking(self) -> Iterator[Tracker]:
        yield _PlainTracker(self._stream)


class QuietReporter(Reporter):
    """Shows nothing (``--quiet``, or JSON output with progress switched off)."""

    def step(self, title: str) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        pass

    @contextlib.contextmanager
    def tracking(self) -> Iterator[Tracker]:
        yield _QuietTracker()


class _QuietTracker(Tracker):
    def update(
        self,
        name: str,
        *,
        status: str | None,
        detail: str = "",
        elapsed: float = 0.0,
        state: State = "running",
    ) -> None:
        pass


# --------------------------------------------------------------------------- rich

_STATUS_STYLES = {
    "Creating": "yellow",
    "Updating": "yellow",
    "InService": "green",
    "Deleting": "magenta",
    "Failed": "red",
    "deleted": "dim",
}


class _RichTracker(Tracker):
    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    def update(
        self,
        name: str,
        *,
        status: str | None,
        detail: str = "",
        elapsed: float = 0.0,
        state: State = "running",
    ) -> None:
        from rich.text import Text

        shown = status or "…"
        styled = Text(shown, style=_STATUS_STYLES.get(shown, "cyan"))
        task = self._tasks.get(name)
        if task is None:
            task = self._progress.add_task(
                name, total=None, status=styled, detail=Text(detail), state=state
            )
            self._tasks[name] = task
        else:
            self._progress.update(task, status=styled, detail=Text(detail), state=state)
        if state != "running":
            self._progress.update(task, total=1, completed=1)
            self._progress.stop_task(task)


class RichReporter(Reporter):
    """A live display on a terminal (needs the ``[cli]`` extra: rich)."""

    def __init__(self, console: Console) -> None:
        self._console = console

    def step(self, title: str) -> None:
        from rich.text import Text

        self._console.print(Text.assemble(("==> ", "bold blue"), (title, "bold")))

    def note(self, text: str) -> None:
        from rich.text import Text

        for line in text.splitlines() or [""]:
            self._console.print(Text("    " + line))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        from rich.box import SIMPLE
        from rich.padding import Padding
        from rich.table import Table

        grid = Table(box=SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
        for header in headers:
            grid.add_column(header)
        for row in rows:
            grid.add_row(*("" if c is None else str(c) for c in row))
        self._console.print(Padding(grid, (0, 0, 0, 4)))

    @contextlib.contextmanager
    def tracking(self) -> Iterator[Tracker]:
        from rich.progress import Progress, ProgressColumn, Task, TextColumn
        from rich.spinner import Spinner
        from rich.table import Column
        from rich.text import Text

        class Mark(ProgressColumn):
            def __init__(self) -> None:
                super().__init__()
                self._spinner = Spinner("dots", style="cyan")

            def render(self, task: Task) -> Any:
                state = task.fields.get("state")
                if state == "done":
                    return Text("✓", style="bold green")
                if state == "failed":
                    return Text("✗", style="bold red")
                return self._spinner.render(task.get_time())

        class Elapsed(ProgressColumn):
            def render(self, task: Task) -> Text:
                return Text(f"{task.elapsed or 0.0:5.1f}s", style="dim")

        progress = Progress(
            TextColumn("   "),
            Mark(),
            TextColumn("{task.description}", style="bold", table_column=Column(min_width=28)),
            TextColumn("{task.fields[status]}", table_column=Column(min_width=10)),
            TextColumn("{task.fields[detail]}", style="dim", table_column=Column(min_width=12)),
            Elapsed(),
            console=self._console,
            refresh_per_second=12,
        )
        with progress:
            yield _RichTracker(progress)


def make_reporter(stream: TextIO, mode: Mode = "auto") -> Reporter:
    """The reporter for ``stream``: rich on a terminal when rich is installed, else plain."""
    if mode == "quiet":
        return QuietReporter()
    if mode == "plain":
        return PlainReporter(stream)
    try:
        from rich.console import Console
    except ImportError:
        if mode == "rich":
            from ic_sdk.cli._output import CliError

            raise CliError(
                "live progress needs rich: pip install 'ic-sdk[cli]' (or use --plain)"
            ) from None
        return PlainReporter(stream)
    console = Console(file=stream, highlight=False)
    if mode == "rich" or console.is_terminal:
        return RichReporter(console)
    return PlainReporter(stream)
