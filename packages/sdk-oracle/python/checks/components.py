"""Every component the app registers, judged by azure-ai-ml: its spec loads (``load_component``) and validates with
0 errors, and its ARM PUT body reads into the SDK's REST model (``ComponentVersion``, 2022-10-01) and entity
(``Component._from_rest_object``), which validates too and keeps the name, version, code and environment."""
import copy
import glob
import json
import os

from azure.ai.ml import load_component
from azure.ai.ml._restclient.v2022_10_01 import models
from azure.ai.ml.entities import Component

from planfiles import diff, plan_dirs, read_json

ARM_ID = "azureml:/subscriptions/"
# azure-ai-ml's record of how a component was authored (YAML.COMPONENT, BUILDER, …): the service does not need it
SDK_ONLY = {"_source"}


def _passed(entity, what):
    result = entity._validate()  # what ComponentOperations.validate / create_or_update run locally
    if not result.passed:
        raise AssertionError(f"{what}: {json.dumps(result.error_messages)}")


def _code_and_environment(entity):
    task = getattr(entity, "task", None)  # a parallel component holds them in its task
    code = getattr(task, "code", None) or getattr(entity, "code", None)
    environment = getattr(task, "environment", None) or getattr(entity, "environment", None)
    return str(code), str(environment)


def _spec(path):
    def check():
        spec = read_json(path)
        task = spec.get("task", spec)
        for key in ("code", "environment"):
            # azure-ai-ml sends versioned ARM ids: it resolves a short azureml:<name>:<version> before the PUT
            assert task[key].startswith(ARM_ID) and "/versions/" in task[key], f"{key} is not a versioned ARM id"
        entity = load_component(source=path)
        _passed(entity, "load_component")
        assert (entity.name, entity.version) == (spec["name"], spec["version"]), (entity.name, entity.version)
        # what azure-ai-ml itself would PUT for this spec is what the app PUTs
        sent = entity._to_rest_object().serialize()["properties"]["componentSpec"]
        ours = read_json(path.replace(".spec.json", ".arm.json"))["properties"]["componentSpec"]
        differences = diff(
            {k: v for k, v in sent.items() if k not in SDK_ONLY}, {k: v for k, v in ours.items() if k not in SDK_ONLY}
        )
        assert not differences, "azure-ai-ml's componentSpec differs: " + "; ".join(differences)

    return check


def _arm(path):
    def check():
        body = read_json(path)
        spec = body["properties"]["componentSpec"]
        rest = models.ComponentVersion.deserialize(copy.deepcopy(body))
        assert rest.properties is not None and rest.properties.component_spec == spec, "componentSpec changed"
        entity = Component._from_rest_object(rest)
        _passed(entity, "Component._from_rest_object")
        assert (entity.name, entity.version) == (spec["name"], spec["version"]), (entity.name, entity.version)
        task = spec.get("task", spec)
        # the entity keeps an ARM id without its azureml: prefix
        assert (task["code"], task["environment"]) == tuple(f"azureml:{v}" for v in _code_and_environment(entity))

    return check


def checks(ctx):
    out = []
    for plan in plan_dirs(ctx):
        name = os.path.basename(plan)
        specs = sorted(glob.glob(os.path.join(plan, "components", "*.spec.json")))
        assert len(specs) == 3, f"{name}: {len(specs)} component specs"
        for path in specs:
            step = os.path.basename(path).split(".")[0]
            out.append((f"components {name}/{step}: load_component + validate", _spec(path)))
            arm = path.replace(".spec.json", ".arm.json")
            out.append((f"components {name}/{step}: ComponentVersion + Component._from_rest_object", _arm(arm)))
    return out
