"""Sorting names as a Chinese reader expects: by pinyin (pypinyin), then by the name itself.

Code-point order puts 北京 after 上海 and mixes Latin and Chinese names at
random; the pinyin key sorts 安徽…北京…上海 and Latin names among them by
their letters, case-insensitively.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


# pypinyin takes about 0.3 ms a name; lists sort the same organization names
# on every request (the dashboard: 50 a call), so the keys are kept.
@lru_cache(maxsize=65_536)
def name_key(name: str | None) -> tuple[str, str]:
    name = name or ""
    return (" ".join(lazy_pinyin(name, style=Style.TONE3)).casefold(), name)
