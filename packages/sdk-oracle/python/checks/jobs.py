"""Every PipelineJob PUT body the app submits, judged by azure-ai-ml: it reads into the SDK's REST model (``JobBase``,
2022-10-01) and the ``PipelineJob`` entity (``Job._from_rest_object``), validates with 0 errors, and written back
(``_to_rest_object()``) it is unchanged in ``jobs``, ``inputs``, ``outputs`` and ``settings``."""
import copy
import glob
import json
import os

from azure.ai.ml._restclient.v2022_10_01 import models
from azure.ai.ml.entities import Command, Job, Parallel, PipelineJob

from planfiles import diff, plan_dirs, read_json

COMPARED = ("jobs", "inputs", "outputs", "settings")
NODE_TYPES = {"index": Parallel, "query": Command, "eval": Command}


def judge(body):
    """The problems azure-ai-ml finds with one job body (an empty list when it agrees)."""
    rest = models.JobBase.deserialize(copy.deepcopy(body))  # msrest pops discriminators from what it reads
    if not isinstance(rest.properties, models.PipelineJob):
        return [f"JobBase.properties is {type(rest.properties).__name__}, not PipelineJob"]
    job = Job._from_rest_object(rest)
    if not isinstance(job, PipelineJob):
        return [f"Job._from_rest_object gave {type(job).__name__}"]
    problems = []
    result = job._validate()
    if not result.passed:
        problems.append(f"validation: {json.dumps(result.error_messages)}")
    for name, node_type in NODE_TYPES.items():
        node = job.jobs.get(name)
        if not isinstance(node, node_type):
            problems.append(f"jobs/{name} read as {type(node).__name__}, not {node_type.__name__}")
    back = job._to_rest_object().serialize()["properties"]
    for key in COMPARED:
        problems.extend(f"/{key}{d}" for d in diff(back.get(key), body["properties"].get(key)))
    return problems


def _config(files):
    def check():
        failures = []
        for path in files:
            problems = judge(read_json(path))
            if problems:
                failures.append(f"{os.path.basename(path)}: " + "; ".join(problems))
        assert not failures, f"{len(failures)} of {len(files)} bodies: " + " | ".join(failures[:3])

    return check


def checks(ctx):
    out = []
    for plan in plan_dirs(ctx):
        files = sorted(glob.glob(os.path.join(plan, "jobs", "*.json")))
        assert files, f"{plan}: no job bodies"
        name = os.path.basename(plan)
        out.append((f"jobs {name}: {len(files)} bodies: JobBase -> PipelineJob, validate, round trip", _config(files)))
    return out
