"""The accelerator's own pipeline, built with azure-ai-ml as its ``azureml/pipeline.py`` builds it (microsoft/
rag-experiment-accelerator, ``start_pipeline``: ``parallel_run_function`` for the index step, ``command`` for query and
eval, ``@dsl.pipeline``; written here in our words), resolved as ``MLClient.jobs.create_or_update`` resolves it
(compute and asset ids by the SDK's own ``OperationOrchestrator``; each node's component registered anonymously), then
``_to_rest_object()`` compared with the app's PipelineJob body node by node, and each node's component spec with the
component the app registers.

Every difference must be one listed in ``KNOWN`` (with its reason; ``docs/planning.md`` lists the same): a new
one fails the check, and so does a listed one that no longer occurs (the list stays true)."""
import copy
import fnmatch
import json
import os
import re
import types
from datetime import datetime, timezone

from azure.ai.ml import Input, Output, command, dsl
from azure.ai.ml._scope_dependent_operations import OperationConfig, OperationScope
from azure.ai.ml.constants._common import AzureMLResourceType
from azure.ai.ml.entities import Component
from azure.ai.ml.operations._component_operations import ComponentOperations
from azure.ai.ml.operations._operation_orchestrator import OperationOrchestrator
from azure.ai.ml.parallel import RunFunction, parallel_run_function

from planfiles import plan_dirs, read_json

# pipeline.py's constants
INDEX_STEP_RETRIES = 3
INDEX_STEP_TIMEOUT_SECONDS = 10 * 3600
INDEX_STEP_FILES_PER_BATCH = 4
INDEX_STEP_ERROR_THRESHOLD = 1

# Our node names and the accelerator's.
NODES = {"index": "index_job", "query": "query_job", "eval": "eval_job"}

# The differences that remain, by JSON path (fnmatch patterns), with their reasons.
KNOWN = {
    "/tags/*": "the app tags each job with its experiment id, index name and config hash to find and group them",
    "/inputs/*/mode": "explicit ro_mount (AzureML's default for uri_file/uri_folder inputs); pipeline.py leaves "
    "the default",
    "/outputs/eval_result/mode": "explicit rw_mount (AzureML's default for outputs); pipeline.py leaves the default",
    "/settings/default_compute": "the app also names the cluster as the default compute (same cluster as computeId)",
    "/settings/_source": "how the job was authored: YAML.JOB (a job of registered components) vs DSL",
    "/jobs/*/name": "node names index/query/eval (pipeline.py: index_job/query_job/eval_job); bindings are compared "
    "after mapping the names",
    "/jobs/*/componentId": "the app registers three named components once (rag_accelerator_*, content-hash versions) "
    "and every pipeline references them; the SDK registers anonymous components per pipeline",
    "/jobs/*/_source": "REMOTE.WORKSPACE.COMPONENT (a node of a registered component) vs BUILDER",
    "/jobs/*/inputs/keyvault": "the vault endpoint is a step input, so one component serves every vault; pipeline.py "
    "writes it into the command line",
    "/jobs/index/inputs/search_index_name": "the index name is a step input, so one component serves every index "
    "configuration; pipeline.py writes it into the command line",
    "/jobs/index/task": "the SDK copies the component's task onto a parallel node; the app's node uses its "
    "component's task, which holds the same values",
    "/components/*/name": "named components (rag_accelerator_*) vs the SDK's anonymous ones",
    "/components/*/version": "content-hash versions vs the SDK's anonymous hash",
    "/components/*/$schema": "the app's specs name their YAML schema",
    "/components/*/_source": "the SDK's record of how the component was authored (BUILDER)",
    "/components/*/display_name": "one component serves every pipeline, so its display name is generic; the node "
    "keeps pipeline.py's display name",
    "/components/*/description": "descriptions of the shared components",
    "/components/*/is_deterministic": "false: the steps write to Azure AI Search and MLflow outside AzureML, so "
    "AzureML must never reuse a step's earlier output instead of running it",
    "/components/*/inputs/keyvault": "see /jobs/*/inputs/keyvault",
    "/components/index/inputs/search_index_name": "see /jobs/index/inputs/search_index_name",
    "/components/index/resources": "the node sets instance_count (AML_COMPUTE_INSTANCES_NUMBER); the shared "
    "component does not",
}


def _sdk_ids(settings):
    """The SDK's own resolution of ids, as MLClient.jobs.create_or_update does it before the PUT."""
    scope = OperationScope(settings["subscriptionId"], settings["resourceGroup"], settings["workspaceName"])
    orchestrator = OperationOrchestrator(operation_container=None, operation_scope=scope, operation_config=None)
    workspace = settings["workspaceResourceId"]

    def resolver(asset, azureml_type=None, **kwargs):
        if isinstance(asset, Component):  # registered as an anonymous version named by its hash
            return f"{workspace}/components/azureml_anonymous/versions/{asset._get_anonymous_hash()}"
        return orchestrator.get_asset_arm_id(asset, azureml_type, **kwargs)

    operations = ComponentOperations(
        scope,
        OperationConfig(show_progress=False),
        types.SimpleNamespace(component_versions=None, component_containers=None),
        None,
    )
    return resolver, operations


def _unprefixed(asset_id):
    return asset_id[len("azureml:") :] if asset_id.startswith("azureml:/") else asset_id


def build(plan, pipeline, mlflow_tracking_uri):
    """pipeline.py's start_pipeline for one index configuration; returns (job, {step: component})."""
    s = plan["settings"]
    resolver, operations = _sdk_ids(s)
    # an ARM id is passed without its azureml: prefix, which the SDK's YAML schema strips
    code = resolver(_unprefixed(s["codeAssetId"]), azureml_type=AzureMLResourceType.CODE)
    environment = resolver(_unprefixed(s["environmentId"]), azureml_type=AzureMLResourceType.ENVIRONMENT)
    experiment = plan["experimentName"]
    keyvault = s["keyVaultEndpoint"]
    step_env = dict(s["stepEnvironment"])
    index_step = parallel_run_function(
        name="index_job",
        experiment_name=experiment,
        display_name=f"Index documents for {experiment} experiment",
        description="Preprocess documents, split into smaller chunks, embed and enrich them, and finally upload "
        "documents chunks for retrieval into Azure Search Index",
        inputs={
            "data": Input(type="uri_folder"),
            "config_path": Input(type="uri_file"),
            "mlflow_tracking_uri": Input(type="string"),
        },
        outputs={"index_name": Output(type="uri_file", mode="rw_mount")},
        input_data="${{inputs.data}}",
        instance_count=int(s["instanceCount"]),
        mini_batch_size=str(INDEX_STEP_FILES_PER_BATCH),
        mini_batch_error_threshold=INDEX_STEP_ERROR_THRESHOLD,
        retry_settings=dict(max_retries=INDEX_STEP_RETRIES, timeout=INDEX_STEP_TIMEOUT_SECONDS),
        task=RunFunction(
            code=code,
            entry_script="azureml/index.py",
            program_arguments="--data_dir ${{inputs.data}} --index_name_path ${{outputs.index_name}} "
            "--config_path ${{inputs.config_path}} --mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}}"
            f" --keyvault {keyvault} --index_name {pipeline['indexName']}",
            environment=environment,
            append_row_to="${{outputs.index_name}}",
        ),
        environment_variables=step_env,
    )
    query_step = command(
        name="query_job",
        experiment_name=experiment,
        display_name="Query documents for the experiment",
        description="Query documents for the experiment",
        inputs={
            "index_name": Input(type="uri_file"),
            "config_path": Input(type="uri_file"),
            "eval_data": Input(type="uri_file"),
            "mlflow_tracking_uri": Input(type="string"),
        },
        outputs={"query_result": Output(type="uri_folder", mode="rw_mount")},
        code=code,
        command="python ./azureml/query.py --eval_data_path ${{inputs.eval_data}} "
        "--config_path ${{inputs.config_path}} --index_name_path ${{inputs.index_name}} "
        "--query_result_dir ${{outputs.query_result}} --mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}}"
        f" --keyvault {keyvault}",
        environment=environment,
        environment_variables=step_env,
    )
    eval_step = command(
        name="eval_job",
        experiment_name=experiment,
        display_name="Evaluate experiment",
        description="Evaluate experiment",
        inputs={
            "index_name": Input(type="uri_file"),
            "config_path": Input(type="uri_file"),
            "query_result": Input(type="uri_folder"),
            "mlflow_tracking_uri": Input(type="string"),
        },
        outputs=dict(eval_result=Output(type="uri_folder", mode="rw_mount")),
        code=code,
        command="python ./azureml/eval.py --config_path ${{inputs.config_path}} "
        "--index_name_path ${{inputs.index_name}} --query_result_dir ${{inputs.query_result}} "
        "--eval_result_dir ${{outputs.eval_result}} --mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}}"
        f" --keyvault {keyvault}",
        environment=environment,
        environment_variables=step_env,
    )
    components = {
        "index": index_step.component,
        "query": query_step.component,
        "eval": eval_step.component,
    }

    config = plan["config"]
    # pipeline.py: mlflow_run_name(config.job_name) = "<job_name>_<now as %Y_%m_%d_%H_%M_%S>" (the app: in UTC)
    submitted = datetime.fromisoformat(plan["submittedAt"].replace("Z", "+00:00")).astimezone(timezone.utc)
    job_name = f"{config.get('job_name', '')}_{submitted.strftime('%Y_%m_%d_%H_%M_%S')}"

    @dsl.pipeline(
        name=job_name,
        experiment_name=experiment,
        compute=s["computeName"],
        description=config.get("job_description") or "RAG Experiment Pipeline",
        display_name=job_name,
    )
    def rag_pipeline(config_path_input, data_input, eval_data_input, mlflow_tracking_uri, mlflow_parent_run_id):
        index_job = index_step(
            data=data_input, config_path=config_path_input, mlflow_tracking_uri=mlflow_tracking_uri
        )
        query_job = query_step(
            index_name=index_job.outputs.index_name,
            config_path=config_path_input,
            eval_data=eval_data_input,
            mlflow_tracking_uri=mlflow_tracking_uri,
        )
        eval_job = eval_step(
            index_name=index_job.outputs.index_name,
            config_path=config_path_input,
            query_result=query_job.outputs.query_result,
            mlflow_tracking_uri=mlflow_tracking_uri,
        )
        return {"eval_result": eval_job.outputs.eval_result}

    job = rag_pipeline(
        config_path_input=Input(type="uri_file", path=pipeline["configUri"]),
        data_input=Input(type="uri_folder", path=plan["inputs"]["data"]),
        eval_data_input=Input(type="uri_file", path=plan["inputs"]["evalData"]),
        mlflow_tracking_uri=mlflow_tracking_uri,
    )
    specs = {step: c._to_rest_object().serialize()["properties"]["componentSpec"] for step, c in components.items()}
    # as jobs.create_or_update resolves it (_resolve_arm_id_for_pipeline_job)
    job.compute = resolver(job.compute, azureml_type=AzureMLResourceType.COMPUTE)
    operations._resolve_dependencies_for_pipeline_component_jobs(job.component, resolver, resolve_inputs=False)
    return job._to_rest_object().serialize()["properties"], specs


def _rename_nodes(value):
    """The SDK's body with the app's node names (keys, `name` kept for the diff, and `${{parent.jobs.<n>…}}`)."""
    text = json.dumps(value)
    for ours, theirs in NODES.items():
        text = text.replace(f"parent.jobs.{theirs}.", f"parent.jobs.{ours}.")
    return json.loads(text)


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


def _bound_command(spec, keyvault, index_name):
    """Our component's command line with the step inputs pipeline.py writes literally filled in."""
    holder = spec.get("task", spec)
    key = "program_arguments" if "task" in spec else "command"
    line = holder[key].replace("${{inputs.keyvault}}", keyvault).replace("${{inputs.search_index_name}}", index_name)
    return key, _words(line)


def differences(sdk, sdk_specs, ours, our_specs, plan, pipeline):
    """Every JSON path where the SDK's pipeline and ours differ (`/jobs/<step>/…`, `/components/<step>/…`)."""
    out = []
    sdk = _rename_nodes(sdk)
    keys = ("jobs", "inputs", "outputs", "settings", "tags", "computeId", "displayName", "description")
    keys += ("experimentName", "jobType")
    for key in keys:
        if key == "jobs":
            for step, theirs in NODES.items():
                out += _paths(sdk["jobs"].get(theirs), ours["jobs"].get(step), f"/jobs/{step}")
        else:
            out += _paths(sdk.get(key), ours.get(key), f"/{key}")
    for step in NODES:
        theirs, mine = copy.deepcopy(sdk_specs[step]), copy.deepcopy(our_specs[step])
        key, line = _bound_command(mine, plan["settings"]["keyVaultEndpoint"], pipeline["indexName"])
        holder_sdk = theirs.get("task", theirs)
        if _words(holder_sdk.get(key, "")) != line:
            out.append((f"/components/{step}/{key}", f"SDK {holder_sdk.get(key)!r} != ours {line!r}"))
        for spec in (theirs, mine):  # compared above, without line breaks and with the inputs filled in
            holder = spec.get("task", spec)
            holder.pop(key, None)
        out += _paths(theirs, mine, f"/components/{step}")
    return out


def _paths(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += _paths(a.get(key, _MISSING), b.get(key, _MISSING), f"{path}/{key}")
        return out
    if a is _MISSING:
        return [(path, f"only ours: {json.dumps(b)[:160]}")]
    if b is _MISSING:
        return [(path, f"only the SDK's: {json.dumps(a)[:160]}")]
    if a != b or type(a) is not type(b):
        return [(path, f"SDK {json.dumps(a)[:160]} != ours {json.dumps(b)[:160]}")]
    return []


_MISSING = object()


def _known(path):
    return next((pattern for pattern in KNOWN if fnmatch.fnmatchcase(path, pattern)), None)


def _compare(plan_dir, plan, picked):
    def check():
        our_specs = {
            step: read_json(os.path.join(plan_dir, "components", f"{step}.spec.json")) for step in NODES
        }
        unknown, seen = [], set()
        for pipeline in picked:
            ours = read_json(os.path.join(plan_dir, "jobs", f"{pipeline['jobName']}.json"))["properties"]
            mlflow = ours["inputs"]["mlflow_tracking_uri"]["value"]
            sdk, sdk_specs = build(plan, pipeline, mlflow)
            for path, detail in differences(sdk, sdk_specs, ours, our_specs, plan, pipeline):
                pattern = _known(path)
                if pattern:
                    seen.add(pattern)
                else:
                    unknown.append(f"{pipeline['jobName']} {path}: {detail}")
        assert not unknown, f"{len(unknown)} differences not listed: " + " | ".join(unknown[:8])
        unused = sorted(set(KNOWN) - seen)
        assert not unused, f"listed differences that no longer occur (remove them from KNOWN and the docs): {unused}"

    return check


def checks(ctx):
    out = []
    for plan_dir in plan_dirs(ctx):
        plan = read_json(os.path.join(plan_dir, "plan.json"))
        pipelines = plan["pipelines"]
        # every pipeline of the small configs; an even sample of the grid (building one takes a fraction of a second)
        picked = pipelines if len(pipelines) <= 16 else pipelines[:: max(1, len(pipelines) // 12)]
        name = os.path.basename(plan_dir)
        title = f"accelerator pipeline {name}: {len(picked)} of {len(pipelines)} pipelines node by node"
        out.append((title, _compare(plan_dir, plan, picked)))
    return out
