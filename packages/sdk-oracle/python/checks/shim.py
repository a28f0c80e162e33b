"""The pydash stand-in behaves as pydash does for the calls azure-ai-ml makes."""
import pydash


def _get():
    data = {"trial": {"componentId": "c1"}, "jobs": {"a": {"inputs": [{"x": 1}]}}}
    assert pydash.get(data, "trial.componentId", None) == "c1"
    assert pydash.get(data, "jobs.a.inputs[0].x") == 1
    assert pydash.get(data, ["jobs", "a", "inputs", 0, "x"]) == 1
    assert pydash.get(data, "jobs.b.inputs", "fallback") == "fallback"


def _omit():
    data = {"name": "n", "id": "i", "version": "1", "inputs": {"a": 1}}
    out = pydash.omit(data, ["name", "id", "version"])
    assert out == {"inputs": {"a": 1}}, out
    assert data["name"] == "n", "omit must not change its argument"


def _set():
    data = {"a": {"b": 1}}
    pydash.objects.set_(data, "a.c.d", 2)
    pydash.objects.set_(data, "a.b", 3)
    assert data == {"a": {"b": 3, "c": {"d": 2}}}, data


def checks(_ctx):
    return [("pydash stand-in: get", _get), ("pydash stand-in: omit", _omit), ("pydash stand-in: set_", _set)]
