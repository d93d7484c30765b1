"""The GB/T 19580-2012 clause tree as data, and the loader that validates it.

Kept import-light on purpose: `knowledge.errors` is used on every CLI call,
while pydantic and YAML are needed only when a base is actually loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # "as" re-exports, so strict type checking sees these names as the package's own
    from knowledge.base import KnowledgeBase as KnowledgeBase
    from knowledge.errors import KnowledgeBaseError as KnowledgeBaseError
    from knowledge.errors import Problem as Problem
    from knowledge.loader import builtin_data_dir as builtin_data_dir
    from knowledge.loader import load_knowledge_base as load_knowledge_base
    from knowledge.models import Node as Node

_EXPORTS = {
    "KnowledgeBase": "knowledge.base",
    "KnowledgeBaseError": "knowledge.errors",
    "Problem": "knowledge.errors",
    "builtin_data_dir": "knowledge.loader",
    "load_knowledge_base": "knowledge.loader",
    "Node": "knowledge.models",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
