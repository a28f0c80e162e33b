"""A stand-in for the three pydash functions azure-ai-ml 1.4.0 calls (pydash is not packaged by Debian).

Only what the SDK needs: ``get``, ``omit`` and ``objects.set_`` over dicts, lists and plain objects, with paths
written ``a.b[0].c`` or given as a list of keys. Test tooling only; never shipped.
"""
from . import objects
from .objects import get, omit, set_

__all__ = ["get", "omit", "set_", "objects"]
