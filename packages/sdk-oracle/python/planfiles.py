"""Where the app's plans are (``WORK/plans/<config>/``, written by ``src/plans.ts``)."""
import glob
import json
import os


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def plan_dirs(ctx):
    dirs = sorted(glob.glob(os.path.join(ctx["work"], "plans", "*")))
    if not dirs:
        raise RuntimeError(f"no plans under {ctx['work']}/plans: run through `npm run sdk-oracle`")
    return dirs



def diff(a, b, path=""):
    """The JSON paths where two JSON values differ, each with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            if key not in a:
                out.append(f"{path}/{key}: only ours ({json.dumps(b[key])[:200]})")
            elif key not in b:
                out.append(f"{path}/{key}: only the SDK's ({json.dumps(a[key])[:200]})")
            else:
                out.extend(diff(a[key], b[key], f"{path}/{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{path}/{i}")]
    if a != b or type(a) is not type(b):
        return [f"{path or '/'}: SDK {json.dumps(a)[:200]} != ours {json.dumps(b)[:200]}"]
    return []
