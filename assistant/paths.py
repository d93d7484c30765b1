"""Every user path in one place: database, cache and chat history (platformdirs).

$ZHUOYUE_DATA_DIR and $ZHUOYUE_CACHE_DIR override the folders (tests point
them at tmp folders so a user's real data is never touched).
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    env = os.environ.get("ZHUOYUE_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("zhuoyue", appauthor=False))


def default_db() -> Path:
    return data_dir() / "zhuoyue.sqlite3"


def history_file() -> Path:
    return data_dir() / "chat-history"
