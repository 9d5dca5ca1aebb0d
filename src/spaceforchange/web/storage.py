"""Static files storage: whitenoise's, with each file's URL worked out once per process."""

from __future__ import annotations

import functools

from whitenoise.storage import CompressedStaticFilesStorage


class StaticFilesStorage(CompressedStaticFilesStorage):
    """Every page's layout links the same stylesheets, scripts and icons; joining and quoting
    their URLs again on each request cost more than the rest of the layout's links together.
    A name's URL cannot change while the process runs (no hashed names), so it is remembered."""

    @functools.lru_cache(maxsize=1024)  # noqa: B019 -- one storage object per process; it lives as long
    def url(self, name: str | None) -> str:
        return super().url(name)
