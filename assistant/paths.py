"""Every user path in one place: database, cache and chat history (platformdirs).

$ZHUOYUE_DATA_DIR and $ZHUOYUE_CACHE_DIR override the folders (tests point
them at tmp folders so a user's real data is never touched).
"""

from __future__ import annotations

import os
from pathlib import Path


def _user_dir(env_var: str, kind: str) -> Path:
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    import platformdirs  # imported on use: `zhuoyue --help` should not pay for it

    return Path(getattr(platformdirs, f"user_{kind}_dir")("zhuoyue", appauthor=False))


def data_dir() -> Path:
    """Sessions and chat history: $ZHUOYUE_DATA_DIR, else the user data folder."""
    return _user_dir("ZHUOYUE_DATA_DIR", "data")


def cache_dir() -> Path:
    """Fitted matcher indexes: $ZHUOYUE_CACHE_DIR, else the user cache folder."""
    return _user_dir("ZHUOYUE_CACHE_DIR", "cache")


def default_db() -> Path:
    return data_dir() / "zhuoyue.sqlite3"


def history_file() -> Path:
    return data_dir() / "chat-history"
