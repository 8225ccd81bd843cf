"""A tiny progress bar for management commands, with no dependencies.

    with Progress(total=100_000, label="Seeding people", stream=self.stderr) as bar:
        for chunk in chunks:
            ...
            bar.advance(len(chunk))

On a terminal one line is rewritten in place (carriage return); in logs and CI, where a carriage
return would leave one long line or a pile of partial ones, a full line is printed every ~10%.
"""

import sys

WIDTH = 30


def _render(label: str, done: int, total: int) -> str:
    fraction = done / total if total else 1.0
    filled = int(round(WIDTH * fraction))
    bar = "#" * filled + " " * (WIDTH - filled)
    return f"{label}  [{bar}] {done:,}/{total:,}  {int(fraction * 100)}%"


class Progress:
    def __init__(self, total: int, label: str = "", stream=None, enabled: bool = True):
        self.total = max(int(total), 0)
        self.label = label
        self.done = 0
        self.enabled = enabled
        self._stream = stream if stream is not None else sys.stderr
        isatty = getattr(self._stream, "isatty", None)
        self._tty = bool(isatty and isatty())
        self._last_shown = -1  # last percentage (TTY) or tenth (otherwise) written
        self._finished = False

    def __enter__(self):
        self._show()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()
        elif self._tty and self.enabled:
            self._write("\n")  # leave the partial bar visible above the traceback

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        self._show()

    def finish(self) -> None:
        if self._finished:
            return
        self.done = max(self.done, self.total)
        self._show()
        if self._tty and self.enabled:
            self._write("\n")
        self._finished = True

    def _show(self) -> None:
        if not self.enabled:
            return
        percent = int(self.done * 100 / self.total) if self.total else 100
        # Redraw only when what is shown would change, so advance(1) in a tight loop stays cheap.
        step = percent if self._tty else percent // 10
        if step == self._last_shown:
            return
        self._last_shown = step
        line = _render(self.label, self.done, self.total)
        self._write(f"\r{line}" if self._tty else f"{line}\n")

    def _write(self, text: str) -> None:
        stream = self._stream
        if hasattr(stream, "style_func") and hasattr(stream, "ending"):
            # Django's OutputWrapper would add a newline and colour stderr red: ask for neither.
            stream.write(text, style_func=str, ending="")
        else:
            stream.write(text)
        flush = getattr(stream, "flush", None)
        if flush:
            flush()
