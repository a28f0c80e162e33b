"""azure-ai-ml's MLClient as a second client of the Azure emulator, on a job the app submitted.

``emulatorContext.ts`` starts the emulator, lets the app submit the example's first pipeline (it runs to completion
on the emulator's clock) and writes ``WORK/emulator.json``. The SDK is pointed at the emulator by its own developer
override of the ARM base URL (``AZUREML_DEV_URL_MFE``), trusts its certificate through ``REQUESTS_CA_BUNDLE``, and
takes its tokens from the emulator's managed-identity endpoint with azure-identity's ``ManagedIdentityCredential``
(App Service source: ``IDENTITY_ENDPOINT`` and ``IDENTITY_HEADER``). Run-history calls go where the workspace's
``discoveryUrl`` says, which is the emulator too. Each check calls one MLClient operation and reads its answer as
the SDK's entity: a request the emulator cannot answer, or an answer the SDK cannot read, fails the check.
"""
import os

_STATE = {}


def _client(ctx):
    if "client" not in _STATE:
        from azure.ai.ml import MLClient
        from azure.identity import ManagedIdentityCredential

        emu = ctx["emulator"]
        _STATE["client"] = MLClient(
            ManagedIdentityCredential(),
            subscription_id=emu["subscriptionId"],
            resource_group_name=emu["resourceGroup"],
            workspace_name=emu["workspaceName"],
        )
    return _STATE["client"]


def _workspace_id(emu):
    return (
        f"/subscriptions/{emu['subscriptionId']}/resourceGroups/{emu['resourceGroup']}"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{emu['workspaceName']}"
    )


def _equal(what, got, want):
    assert got == want, f"{what}: got {got!r}, expected {want!r}"


def _workspace(ctx):
    emu = ctx["emulator"]
    ws = _client(ctx).workspaces.get(emu["workspaceName"])
    _equal("workspace name", ws.name, emu["workspaceName"])
    _equal("workspace resource group", ws.resource_group, emu["resourceGroup"])
    assert ws.discovery_url and ws.discovery_url.startswith(emu["armUrl"]), f"discovery_url {ws.discovery_url!r}"
    assert ws.mlflow_tracking_uri, "the workspace has no MLflow tracking URI"


def _compute(ctx):
    from azure.ai.ml.entities import AmlCompute

    name = ctx["emulator"]["computeName"]
    compute = _client(ctx).compute.get(name)
    assert isinstance(compute, AmlCompute), f"compute {name} read as {type(compute).__name__}"
    _equal("compute name", compute.name, name)
    _equal("compute provisioning state", compute.provisioning_state, "Succeeded")
    assert compute.size, "the compute has no VM size"
    assert compute.max_instances and compute.max_instances >= 1, f"max_instances {compute.max_instances!r}"


def _datastores(ctx):
    from azure.ai.ml.entities import AzureBlobDatastore

    name = ctx["emulator"]["datastoreName"]
    client = _client(ctx)
    listed = list(client.datastores.list())
    assert name in [d.name for d in listed], f"datastores {[d.name for d in listed]}"
    default = client.datastores.get_default()
    assert isinstance(default, AzureBlobDatastore), f"default datastore read as {type(default).__name__}"
    _equal("default datastore", default.name, name)
    assert default.account_name and default.container_name, "the default datastore has no account or container"


def _environments(ctx):
    name, version = ctx["emulator"]["environment"].split(":")[1:]
    client = _client(ctx)
    env = client.environments.get(name, version)
    _equal("environment version", (env.name, env.version), (name, version))
    assert env.image and env.conda_file, f"environment {name}:{version} has no image or conda file"
    _equal("latest environment version", client.environments.get(name, label="latest").version, version)
    assert name in [e.name for e in client.environments.list()], "environments.list() lacks the app's environment"
    assert version in [e.version for e in client.environments.list(name=name)], "its versions lack the published one"


def _data_latest(ctx):
    asset = ctx["emulator"]["dataAsset"]
    data = _client(ctx).data.get(asset["name"], label="latest")
    _equal("data asset name", data.name, asset["name"])
    # The version the app pinned `@latest` to is the one the SDK resolves `label="latest"` to.
    _equal("data asset latest version", data.version, asset["version"])
    _equal("data asset type", data.type, "uri_file")
    assert data.path and data.path.startswith("azureml://datastores/"), f"data path {data.path!r}"


def _names_asset(value, kind, asset_id):
    """True when ``value`` names the asset ``azureml:<name>:<version>``, short or as its versioned ARM id."""
    name, version = asset_id.split(":")[1:]
    text = str(value or "")
    return text.endswith(f"/{kind}/{name}/versions/{version}") or text.replace("azureml:", "") == f"{name}:{version}"


def _components(ctx):
    emu = ctx["emulator"]
    client = _client(ctx)
    for registered in emu["components"]:
        component = client.components.get(registered["name"], registered["version"])
        _equal("component name", component.name, registered["name"])
        _equal("component version", component.version, registered["version"])
        assert component.type in ("command", "parallel"), f"{component.name}: type {component.type!r}"
        assert component.inputs and component.outputs, f"{component.name}: no inputs or outputs read"
        # The code and environment publish-accelerator published, as the app's settings name them.
        assert _names_asset(component.code, "codes", emu["code"]), f"{component.name}: code {component.code!r}"
        env = component.environment
        assert _names_asset(env, "environments", emu["environment"]), f"{component.name}: environment {env!r}"


def _app_job(ctx):
    from azure.ai.ml.entities import PipelineJob

    want = ctx["emulator"]["job"]
    job = _client(ctx).jobs.get(want["name"])
    assert isinstance(job, PipelineJob), f"job {want['name']} read as {type(job).__name__}"
    _equal("job status", job.status, want["status"])
    _equal("job experiment", job.experiment_name, want["experimentName"])
    assert set(job.jobs) == {"index", "query", "eval"}, f"job nodes {sorted(job.jobs)}"
    types = {key: node.type for key, node in job.jobs.items()}
    _equal("node types", types, {"index": "parallel", "query": "command", "eval": "command"})
    registered = [f"azureml:{c['name']}:{c['version']}" for c in ctx["emulator"]["components"]]
    for key, node in job.jobs.items():
        component = node.component if isinstance(node.component, str) else getattr(node.component, "id", None)
        named = any(_names_asset(component, "components", r) for r in registered)
        assert named, f"node {key}: component {component!r} is none of the app's {registered}"
    assert "Studio" in (job.services or {}), "the job has no Studio service"


def _jobs_list(ctx):
    want = ctx["emulator"]["job"]["name"]
    listed = [job.name for job in _client(ctx).jobs.list()]
    assert want in listed, f"jobs.list() lacks the app's job {want}: {listed}"


def _step_runs(ctx):
    want = ctx["emulator"]["job"]
    children = list(_client(ctx).jobs.list(parent_job_name=want["name"]))
    # RunOperations drops a child it cannot parse as a job (None): every one must parse.
    assert children and all(c is not None for c in children), f"children {children!r}"
    assert len(children) == 3, f"{len(children)} step runs, expected 3"
    names = {registered["name"] for registered in ctx["emulator"]["components"]}
    for child in children:
        assert child.display_name, f"step run {child.name} has no display name"
        _equal(f"step run {child.display_name} status", child.status, "Completed")
        module = child.properties.get("azureml.moduleName")
        assert module in names, f"step run {child.display_name}: module {module!r} is none of {sorted(names)}"


def _sdk_pipeline(ctx):
    """A pipeline built with azure-ai-ml's DSL, on the app's compute and environment."""
    from azure.ai.ml import Input, Output, command
    from azure.ai.ml.dsl import pipeline

    emu = ctx["emulator"]
    # The accelerator's code and environment as publish-accelerator published them. The SDK takes code as an ARM id
    # (a name would be a local folder to upload), and resolves the environment's `azureml:<name>:<version>` itself.
    code_name, code_version = emu["code"].split(":")[1:]
    check = command(
        name="check_eval_data",
        display_name="Check the evaluation data",
        command="python -c 'import sys; print(sys.argv[1])' ${{inputs.eval_data}} > ${{outputs.report}}/report.txt",
        inputs={"eval_data": Input(type="uri_file")},
        outputs={"report": Output(type="uri_folder")},
        code=f"{_workspace_id(emu)}/codes/{code_name}/versions/{code_version}",
        environment=emu["environment"],
    )

    @pipeline(compute=emu["computeName"], description="Built with azure-ai-ml by the SDK oracle")
    def sdk_oracle_pipeline(eval_data):
        step = check(eval_data=eval_data)
        return {"report": step.outputs.report}

    asset = emu["dataAsset"]
    job = sdk_oracle_pipeline(eval_data=Input(type="uri_file", path=f"azureml:{asset['name']}:{asset['version']}"))
    job.name = f"{emu['sdkJobPrefix']}-{os.getpid()}"
    job.experiment_name = "sdk-oracle"
    created = _client(ctx).jobs.create_or_update(job)
    _equal("created job name", created.name, job.name)
    assert created.status in ("NotStarted", "Queued", "Preparing", "Running"), f"status {created.status!r}"
    assert set(created.jobs) == {"step"}, f"nodes {sorted(created.jobs)}"
    _STATE["sdk_job"] = created.name


def _cancel(ctx):
    name = _STATE.get("sdk_job")
    assert name, "no SDK-built job to cancel (its create failed)"
    client = _client(ctx)
    client.jobs.begin_cancel(name).result()
    _equal("status after cancel", client.jobs.get(name).status, "Canceled")


def checks(ctx):
    if not ctx.get("emulator"):

        def _absent():
            raise AssertionError("no emulator.json: the emulator context did not start")

        return [("client: emulator context", _absent)]
    return [
        ("client: workspaces.get", lambda: _workspace(ctx)),
        ("client: compute.get", lambda: _compute(ctx)),
        ("client: datastores.list, get_default", lambda: _datastores(ctx)),
        ("client: environments.get, list (the published environment)", lambda: _environments(ctx)),
        ("client: data.get(label='latest')", lambda: _data_latest(ctx)),
        ("client: components.get (the app's components)", lambda: _components(ctx)),
        ("client: jobs.get (the app's job)", lambda: _app_job(ctx)),
        ("client: jobs.list()", lambda: _jobs_list(ctx)),
        ("client: jobs.list(parent_job_name=…) (its step runs)", lambda: _step_runs(ctx)),
        ("client: jobs.create_or_update (a pipeline built with the SDK)", lambda: _sdk_pipeline(ctx)),
        ("client: jobs.begin_cancel", lambda: _cancel(ctx)),
    ]
