"""deploy/: what can be checked without Docker or a cluster.

The Kubernetes instance config validates against Dagster's schema and the K8sRunLauncher's own
(dagster-k8s, installed with the dev extras), and the launcher is built from it with a
kubeconfig that points nowhere; the Helm values are YAML with the keys Dagster's chart reads; the
image recipe installs the wheel as a non-root user.
"""

from pathlib import Path

import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster._serdes import class_from_code_pointer

from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: unused}}]
contexts: [{name: none, context: {cluster: none, user: none, namespace: nbzbx}}]
current-context: none
"""

# top-level keys of the dagster/dagster chart's values (1.13)
CHART_KEYS = {
    "global",
    "postgresql",
    "generatePostgresqlPasswordSecret",
    "dagster-user-deployments",
    "runLauncher",
    "dagsterDaemon",
    "dagsterWebserver",
    "telemetry",
}


def test_the_kubernetes_instance_config_loads_with_dagster_k8s(tmp_path: Path) -> None:
    config, custom_class = dagster_instance_config(str(DEPLOY), "dagster-k8s.yaml")
    assert custom_class is None
    launcher = config["run_launcher"]
    cls = class_from_code_pointer(launcher["module"], launcher["class"])
    assert cls.__name__ == "K8sRunLauncher"
    (tmp_path / "kubeconfig").write_text(KUBECONFIG)
    value = {**launcher["config"], "load_incluster_config": False}
    value["kubeconfig_file"] = str(tmp_path / "kubeconfig")
    processed = process_config(cls.config_type(), value)
    assert processed.success, processed.errors
    built = cls.from_config_value(None, processed.value)
    assert built.env_secrets == ["nbzbx-credentials"]
    assert "DAGSTER_EVENT_BATCH_SIZE=1000" in built.env_vars
    storage = config["storage"]["postgres"]
    assert storage == {"postgres_url": {"env": "NBZBX_DAGSTER_PG_URL"}}
    limits = config["concurrency"]["runs"]["tag_concurrency_limits"]
    assert limits == [
        {"key": SYSTEM_JOB_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
    ]


def test_the_helm_values_have_the_keys_the_chart_reads() -> None:
    values = yaml.safe_load((DEPLOY / "helm-values.yaml").read_text())
    assert set(values) <= CHART_KEYS, set(values) - CHART_KEYS
    assert values["postgresql"]["enabled"] is False
    assert {"postgresqlHost", "postgresqlUsername", "postgresqlDatabase"} <= set(
        values["postgresql"]
    )
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    k8s = values["runLauncher"]["config"]["k8sRunLauncher"]
    assert k8s["envSecrets"] == [{"name": "nbzbx-credentials"}]
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "nbzbx_dagster.definitions"]
    assert deployment["envSecrets"] == [{"name": "nbzbx-credentials"}]
    env = {row["name"]: row["value"] for row in deployment["env"]}
    assert env["DAGSTER_EVENT_BATCH_SIZE"] == "1000"
    assert all(name.startswith(("NBZBX_", "DAGSTER_")) for name in env)
    # credentials come from the secret only, never from the values file
    assert not [name for name in env if name.endswith(("_TOKEN", "_PASSWORD", "DATABASE_URL"))]
    queue = values["dagsterDaemon"]["runCoordinator"]
    assert queue["type"] == "QueuedRunCoordinator"
    limits = queue["config"]["queuedRunCoordinator"]["tagConcurrencyLimits"]
    assert limits == [
        {"key": SYSTEM_JOB_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
    ]
    # viewers get the chart's read-only webserver; run monitoring fails dead run pods
    assert values["dagsterWebserver"]["enableReadOnly"] is True
    assert values["dagsterDaemon"]["runMonitoring"]["enabled"] is True


def test_the_image_recipe_installs_the_wheel_as_a_non_root_user() -> None:
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    assert [line for line in lines if line.startswith("FROM ")] == ["FROM python:3.12-slim"]
    text = "\n".join(lines)
    assert "DAGSTER_HOME=/opt/dagster/dagster_home" in text
    assert "DAGSTER_EVENT_BATCH_SIZE=1000" in text
    assert 'pip install "${whl}[k8s]"' in text
    users = [line for line in lines if line.startswith("USER ")]
    assert users == ["USER nbzbx"]
