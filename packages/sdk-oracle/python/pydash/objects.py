"""``get``, ``omit`` and ``set_`` with pydash's path rules, for azure-ai-ml's own calls."""
import copy
import re

_MISSING = object()
_TOKEN = re.compile(r"\[(-?\d+)\]|([^.\[\]]+)")


def _keys(path):
    """``"a.b[0].c"`` → ``["a", "b", 0, "c"]``; a list or tuple is taken as the keys themselves."""
    if isinstance(path, (list, tuple)):
        return list(path)
    if isinstance(path, int):
        return [path]
    if path is None or path == "":
        return []
    keys = []
    for index, name in _TOKEN.findall(str(path)):
        keys.append(int(index) if index else name)
    return keys


def _child(obj, key):
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        if isinstance(key, str) and key.lstrip("-").isdigit() and int(key) in obj:
            return obj[int(key)]
        return _MISSING
    if isinstance(obj, (list, tuple)):
        try:
            return obj[int(key)]
        except (ValueError, IndexError, TypeError):
            return _MISSING
    if isinstance(key, str) and hasattr(obj, key):
        return getattr(obj, key)
    return _MISSING


def get(obj, path, default=None):
    """The value at ``path`` in ``obj``, or ``default`` when any step of the path is missing."""
    current = obj
    for key in _keys(path):
        current = _child(current, key)
        if current is _MISSING:
            return default
    return current


def omit(obj, *paths):
    """A copy of ``obj`` without the given keys (each a key, a path, or a list of them)."""
    flat = []
    for p in paths:
        flat.extend(p if isinstance(p, (list, tuple)) else [p])
    result = copy.deepcopy(obj) if isinstance(obj, dict) else dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    for p in flat:
        keys = _keys(p)
        if not keys:
            continue
        parent = get(result, keys[:-1]) if len(keys) > 1 else result
        if isinstance(parent, dict):
            parent.pop(keys[-1], None)
        elif isinstance(parent, list) and isinstance(keys[-1], int) and -len(parent) <= keys[-1] < len(parent):
            del parent[keys[-1]]
    return result


def set_(obj, path, value):
    """Sets ``value`` at ``path`` in ``obj`` (in place), creating dicts (or lists before an index) on the way."""
    keys = _keys(path)
    if not keys:
        return obj
    current = obj
    for key, following in zip(keys, keys[1:]):
        nxt = _child(current, key)
        if nxt is _MISSING or nxt is None:
            nxt = [] if isinstance(following, int) else {}
            _assign(current, key, nxt)
        current = nxt
    _assign(current, keys[-1], value)
    return obj


def _assign(container, key, value):
    if isinstance(container, list):
        index = int(key)
        while len(container) <= index:
            container.append(None)
        container[index] = value
    elif isinstance(container, dict):
        container[key] = value
    else:
        setattr(container, key, value)
