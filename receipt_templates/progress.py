"""Progress of a long batch: a tqdm bar on a terminal, nothing when piped, or a callback."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["Progress", "ProgressOption", "Reporter"]

#: Called as progress(done, total) after each chunk; total is None when the batch is a stream.
Progress = Callable[[int, int | None], None]
#: None: a bar when stderr is a terminal; True: always a bar; False: nothing; or a callback.
ProgressOption = Progress | bool | None


class Reporter:
    """Tells a callback or a tqdm bar how many receipts are done."""

    def __init__(self, option: ProgressOption, total: int | None, *, unit: str = "receipt") -> None:
        self._callback: Progress | None = None
        self._bar = None
        self._done = 0
        self.total = total
        if callable(option):
            self._callback = option
        elif option is not False:
            from tqdm import tqdm

            # disable=None is tqdm's own "only on a terminal" test of the stream.
            self._bar = tqdm(total=total, unit=unit, desc="printing", file=sys.stderr,
                             disable=None if option is None else False, leave=False)

    def update(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done - self._done)
        self._done = done
        if self._callback is not None:
            self._callback(done, self.total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
