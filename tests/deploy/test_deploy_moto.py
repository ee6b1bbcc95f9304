"""The stack in moto's CloudFormation and `python -m deploy.aws up|status|logs|down` against moto.

Resource types moto's CloudFormation lacks are created through moto's own APIs (tests/deploy/moto_cfn.py).
The check after `up` (GET /ready, one question) goes to a local HTTP stand-in of the service: the
ALB's DNS name moto returns resolves nowhere.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws

from common.topology import Topology
from deploy.aws import cli, cost, stack
from pii_filter import backlog
from tests.deploy import moto_cfn

REGION = "ap-south-1"
GOLDEN = Path(__file__).resolve().parent / "golden"
TAG = "2026-12-01-abc1234"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        moto_cfn.install()
        moto_cfn.RECORDED.clear()
        yield


def _client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region)


def _create(tier: str, network_mode: str = "public", image_tag: str = TAG) -> dict[str, str]:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(
        StackName="consumer-rights",
        TemplateBody=stack.template_body(),
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[
            {"ParameterKey": "Tier", "ParameterValue": tier},
            {"ParameterKey": "NetworkMode", "ParameterValue": network_mode},
            {"ParameterKey": "NotificationEmail", "ParameterValue": "ops@example.org"},
            {"ParameterKey": "ImageTag", "ParameterValue": image_tag},
        ],
    )
    (created,) = cloudformation.describe_stacks(StackName="consumer-rights")["Stacks"]
    assert created["StackStatus"] == "CREATE_COMPLETE", created.get("StackStatusReason")
    return stack.outputs(created)


# -- the stack ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("network_mode", ["public", "nat", "endpoints"])
def test_minimal_stack_creates(aws: None, network_mode: str) -> None:
    found = _create("minimal", network_mode)
    ec2 = boto3.client("ec2", region_name=REGION)
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.0.0.0/16"]}])["Vpcs"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == [
        "10.0.0.0/24",
        "10.0.1.0/24",
        "10.0.10.0/24",
        "10.0.11.0/24",
    ]
    assert len({s["AvailabilityZone"] for s in subnets}) == 2
    nat = ec2.describe_nat_gateways()["NatGateways"]
    endpoints = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert len(nat) == (1 if network_mode == "nat" else 0)
    assert len(endpoints) == (6 if network_mode == "endpoints" else 0)
    assert found["AssignPublicIp"] == ("ENABLED" if network_mode == "public" else "DISABLED")
    task_subnets = set(found["TaskSubnets"].split(","))
    public = {s["SubnetId"] for s in subnets if s["CidrBlock"] in ("10.0.0.0/24", "10.0.1.0/24")}
    assert (task_subnets == public) is (network_mode == "public")

    groups = {g["GroupId"]: g for g in ec2.describe_security_groups()["SecurityGroups"]}
    tasks = groups[found["TaskSecurityGroup"]]
    (ingress,) = tasks["IpPermissions"]
    assert (ingress["FromPort"], ingress["ToPort"]) == (8080, 8080) and not ingress.get("IpRanges")
    alb_group = ingress["UserIdGroupPairs"][0]["GroupId"]
    assert sorted(p["FromPort"] for p in groups[alb_group]["IpPermissions"]) == [80, 443]
    # moto's SecurityGroup ignores inline SecurityGroupEgress and keeps the default allow-all rule
    # (CloudFormation replaces it); tests/deploy/test_stack.py checks every group's egress in the template
    egress = [p for p in tasks["IpPermissionsEgress"] if p["IpProtocol"] != "-1"]
    assert sorted(p["FromPort"] for p in egress) == [2049, 5432]

    ecs = boto3.client("ecs", region_name=REGION)
    assert ecs.describe_clusters(clusters=["consumer-rights"])["clusters"][0]["status"] == "ACTIVE"
    (service,) = ecs.describe_services(cluster="consumer-rights", services=[found["ServiceName"]])["services"]
    assert service["desiredCount"] == 1  # moto's Service model drops LaunchType (the template test checks it)
    live = ecs.describe_task_definition(taskDefinition="consumer-rights-live-inference")["taskDefinition"]
    (gateway,) = [c for c in live["containerDefinitions"] if c["name"] == "pii-filter"]
    environment = {e["name"]: e["value"] for e in gateway["environment"]}
    assert environment["TRUSTED_PROXIES"] == "10.0.0.0/24,10.0.1.0/24"  # the ALB's subnets, nothing else

    rds = boto3.client("rds", region_name=REGION)
    (db,) = rds.describe_db_instances(DBInstanceIdentifier=found["Database"])["DBInstances"]
    assert (db["Engine"], db["DBInstanceClass"], db["AllocatedStorage"], db["StorageType"]) == (
        "postgres",
        "db.t3.micro",
        20,
        "gp3",
    )
    assert db["StorageEncrypted"] and db["BackupRetentionPeriod"] == 7  # DeletionProtection: template test
    assert not db["MultiAZ"] and not db["PubliclyAccessible"]

    efs = boto3.client("efs", region_name=REGION)
    (point,) = efs.describe_access_points(FileSystemId=found["FileSystem"])["AccessPoints"]
    assert point["PosixUser"] == {"Uid": 10001, "Gid": 10001}
    assert point["RootDirectory"]["CreationInfo"] == {
        "OwnerUid": 10001,
        "OwnerGid": 10001,
        "Permissions": "0755",
    }
    assert efs.describe_file_systems(FileSystemId=found["FileSystem"])["FileSystems"][0]["Encrypted"]
    (selection,) = moto_cfn.RECORDED.values()
    assert selection["BackupSelection"]["Resources"][0].endswith(f"file-system/{found['FileSystem']}")

    ecr = boto3.client("ecr", region_name=REGION)
    repositories = {r["repositoryName"]: r for r in ecr.describe_repositories()["repositories"]}
    assert set(repositories) == {
        f"consumer-rights/{n}" for n in ("pii-filter", "rag-core", "llm-connector", "psql-worker", "pipeline")
    }
    # scan on push, immutable tags and the lifecycle rule: moto's Repository model drops them (template test)

    elbv2 = boto3.client("elbv2", region_name=REGION)
    (target_group,) = elbv2.describe_target_groups()["TargetGroups"]
    assert (target_group["HealthCheckPath"], target_group["Port"], target_group["TargetType"]) == (
        "/health",
        8080,
        "ip",
    )
    listeners = elbv2.describe_listeners(LoadBalancerArn=target_group["LoadBalancerArns"][0])["Listeners"]
    assert [(listener["Port"], listener["Protocol"]) for listener in listeners] == [(80, "HTTP")]

    (group,) = boto3.client("logs", region_name=REGION).describe_log_groups(
        logGroupNamePrefix="/ecs/consumer-rights"
    )["logGroups"]
    assert group["retentionInDays"] == 30
    alarms = boto3.client("cloudwatch", region_name=REGION).describe_alarms(
        AlarmNamePrefix="consumer-rights-live-"
    )["MetricAlarms"]
    assert {a["MetricName"] for a in alarms} == {"CPUUtilization", "MemoryUtilization"}
    assert all(a["Threshold"] == 80 and a["Namespace"] == "AWS/ECS" for a in alarms)
    scaling = boto3.client("application-autoscaling", region_name=REGION)
    (target,) = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 3)
    (policy,) = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    assert policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
    }
    budget = boto3.client("budgets", region_name="us-east-1").describe_budget(
        AccountId=boto3.client("sts").get_caller_identity()["Account"], BudgetName="consumer-rights-monthly"
    )
    assert budget["Budget"]["BudgetLimit"]["Amount"] in ("100", "100.0")


def _secret(name: str) -> str:
    return str(
        boto3.client("secretsmanager", region_name=REGION).get_secret_value(
            SecretId=f"consumer-rights/{name}"
        )["SecretString"]
    )


def test_the_url_secrets_are_composed_from_the_generated_passwords(aws: None) -> None:
    _create("minimal")
    database = json.loads(_secret("database"))
    rabbit = json.loads(_secret("rabbitmq"))
    assert len(database["password"]) == 32 and database["password"].isalnum()
    url = httpx.URL(_secret("database-url"))
    assert (url.scheme, url.username, url.password) == ("postgresql", "consumer_rights", database["password"])
    assert url.host == database["host"] and url.params["sslmode"] == "require"
    assert _secret("amqp-url") == f"amqp://consumer_rights:{rabbit['password']}@127.0.0.1:5672/%2F"


def test_production_stack_uses_amazon_mq_redis_and_a_scaled_service_per_stage(aws: None) -> None:
    found = _create("production", "nat")
    (broker,) = boto3.client("mq", region_name=REGION).list_brokers()["BrokerSummaries"]
    described = boto3.client("mq", region_name=REGION).describe_broker(BrokerId=broker["BrokerId"])
    assert (described["EngineType"], described["DeploymentMode"]) == ("RABBITMQ", "CLUSTER_MULTI_AZ")
    rabbit = json.loads(_secret("rabbitmq"))
    assert _secret("amqp-url") == (
        f"amqps://consumer_rights:{rabbit['password']}@{broker['BrokerId']}.mq.{REGION}.amazonaws.com:5671/%2F"
    )
    (group,) = boto3.client("elasticache", region_name=REGION).describe_replication_groups()[
        "ReplicationGroups"
    ]
    assert group["TransitEncryptionEnabled"] and group["AtRestEncryptionEnabled"]
    assert found["RedisEndpoint"].startswith("rediss://")
    token = _secret("redis-auth-token")
    assert _secret("redis-url") == f"rediss://:{token}@{found['RedisEndpoint'].removeprefix('rediss://')}/0"
    assert len(_secret("rate-limit-key")) == 48
    (db,) = boto3.client("rds", region_name=REGION).describe_db_instances()["DBInstances"]
    assert db["MultiAZ"]
    ecs = boto3.client("ecs", region_name=REGION)
    names = found["Services"].split(",")
    assert names[0] == found["ServiceName"] == "consumer-rights-live-inference"
    services = ecs.describe_services(cluster="consumer-rights", services=names)["services"]
    assert [(s["serviceName"], s["desiredCount"]) for s in services] == [
        ("consumer-rights-live-inference", 2),
        ("consumer-rights-rag-core", 2),
        ("consumer-rights-llm-connector", 2),
        ("consumer-rights-psql-worker", 2),
    ]
    # (moto's Service drops LoadBalancers: the template test checks that only the gateway has one)
    families = {s["serviceName"]: s["taskDefinition"].rsplit("/", 1)[1].split(":")[0] for s in services}
    definitions = {
        name: ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
        for name, family in families.items()
    }
    containers = {name: [c["name"] for c in d["containerDefinitions"]] for name, d in definitions.items()}
    assert containers == {
        "consumer-rights-live-inference": ["pii-filter"],
        "consumer-rights-rag-core": ["rag-core"],
        "consumer-rights-llm-connector": ["llm-connector"],
        "consumer-rights-psql-worker": ["psql-worker"],
    }
    shared = {  # what the replicas share through Redis reaches the two services that read it
        c["name"]: sorted(
            s["name"] for s in c.get("secrets", []) if s["name"] in ("REDIS_URL", "RATE_LIMIT_KEY_SECRET")
        )
        for d in definitions.values()
        for c in d["containerDefinitions"]
    }
    assert shared == {
        "pii-filter": ["RATE_LIMIT_KEY_SECRET", "REDIS_URL"],
        "rag-core": [],
        "llm-connector": ["REDIS_URL"],
        "psql-worker": [],
    }
    # only rag-core mounts the index; only rag-core and llm-connector have AWS credentials at all
    assert [bool(d.get("volumes")) for d in definitions.values()] == [False, True, False, False]
    # (moto's TaskDefinition drops both roles: the template test checks which task has which)
    iam = boto3.client("iam")
    roles = {r.get("Description", ""): r["RoleName"] for r in iam.list_roles()["Roles"]}
    (model_role,) = [n for d, n in roles.items() if d.startswith("llm-connector service")]
    (policy,) = iam.list_role_policies(RoleName=model_role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=model_role, PolicyName=policy)["PolicyDocument"]
    # (moto keeps a stack's inline policy as the text of a Python dict)
    assert f"'Resource': 'arn:aws:bedrock:{REGION}::foundation-model/meta.llama3-70b-instruct-v1:0'" in str(
        document
    )
    assert sum(d.startswith("ECS agent starting consumer-rights-") for d in roles) == 4

    scaling = boto3.client("application-autoscaling", region_name=REGION)
    targets = {
        t["ResourceId"].rsplit("/", 1)[1]: (t["MinCapacity"], t["MaxCapacity"])
        for t in scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    }
    assert targets == {
        "consumer-rights-live-inference": (2, 4),
        "consumer-rights-rag-core": (2, 6),
        "consumer-rights-llm-connector": (2, 6),
        "consumer-rights-psql-worker": (2, 6),
    }
    policies: dict[str, list[dict[str, Any]]] = {}
    for policy in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]:
        policies.setdefault(policy["ResourceId"].rsplit("/", 1)[1], []).append(
            policy["TargetTrackingScalingPolicyConfiguration"]
        )
    gateway = {
        c.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType"): c
        for c in policies.pop("consumer-rights-live-inference")
    }
    assert set(gateway) == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    elbv2 = boto3.client("elbv2", region_name=REGION)
    (target_group,) = elbv2.describe_target_groups()["TargetGroups"]
    (balancer,) = elbv2.describe_load_balancers()["LoadBalancers"]
    label = gateway["ALBRequestCountPerTarget"]["PredefinedMetricSpecification"]["ResourceLabel"]
    assert label == (  # app/<name>/<id>/targetgroup/<name>/<id>: the form CloudWatch names the pair by
        balancer["LoadBalancerArn"].split(":loadbalancer/")[1]
        + "/"
        + target_group["TargetGroupArn"].split(":", 5)[5]
    )
    # each worker follows the metric the gateway writes: its EMF record's namespace and dimensions
    (gateway_container,) = definitions["consumer-rights-live-inference"]["containerDefinitions"]
    environment = {e["name"]: e["value"] for e in gateway_container["environment"]}
    for service, stage in (
        ("consumer-rights-rag-core", "rag_core"),
        ("consumer-rights-llm-connector", "llm_connector"),
        ("consumer-rights-psql-worker", "psql_worker"),
    ):
        (line,) = backlog.emf_lines(
            {stage: 1.0},
            namespace=environment["CLOUDWATCH_METRICS_NAMESPACE"],
            deployment=environment["NAMESPACE"],
        )
        record = json.loads(line)
        (directive,) = record["_aws"]["CloudWatchMetrics"]
        (dimension_names,) = directive["Dimensions"]
        (config,) = policies.pop(service)
        metric = config["CustomizedMetricSpecification"]
        assert (metric["Namespace"], metric["MetricName"], metric["Statistic"]) == (
            directive["Namespace"],
            backlog.METRIC_NAME,
            "Average",
        )
        assert [m["Name"] for m in directive["Metrics"]] == [backlog.METRIC_NAME]
        assert {d["Name"]: d["Value"] for d in metric["Dimensions"]} == {
            name: record[name] for name in dimension_names
        }
    assert policies == {}
    assert set(Topology().stage_queues()) == {"rag_core", "llm_connector", "psql_worker"}


# -- the command --------------------------------------------------------------------------------------


class _Service:
    """A local HTTP stand-in of the deployed gateway: no index until the pipeline task has stopped."""

    def __init__(self) -> None:
        self.index_ready = threading.Event()
        self.keys: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._send(200, {"ready": True, "broker_connected": True})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.keys.append(self.headers.get("X-API-Key", ""))
                if not outer.index_ready.is_set():
                    self._send(503, {"error": "index_unavailable", "message": "not yet"})
                else:
                    self._send(200, {"answer": "Within 45 days [1].", "answered": True, "citations": [{}]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class _RoutedHttp:
    """An httpx client that sends the stack's URL to the stand-in."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.client = httpx.Client()

    def _url(self, url: str) -> str:
        return self.target + httpx.URL(url).raw_path.decode()

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.client.get(self._url(url), **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.client.post(self._url(url), **kw)


def _finish_pipeline_when_started(service: _Service, stop: threading.Event) -> None:
    """Plays the pipeline task: once `up` started it, it stops (exit 0) and the index exists."""
    ecs = boto3.client("ecs", region_name=REGION)
    deadline = time.monotonic() + 60
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            tasks = ecs.list_tasks(cluster="consumer-rights", family="consumer-rights-data-pipeline")[
                "taskArns"
            ]
        except Exception:
            tasks = []
        if tasks:
            ecs.stop_task(cluster="consumer-rights", task=tasks[0], reason="pipeline finished")
            service.index_ready.set()
            return
        time.sleep(0.05)


UP = [
    "up",
    "--tier",
    "minimal",
    "--region",
    REGION,
    "--email",
    "ops@example.org",
    "--image-tag",
    TAG,
    "--skip-images",
    "--poll-s",
    "0.05",
    "--waiter-delay-s",
    "1",
    "--check-timeout-s",
    "20",
]


def _up(service: _Service, printed: list[str], *extra: str) -> int:
    stop = threading.Event()
    helper = threading.Thread(target=_finish_pipeline_when_started, args=(service, stop), daemon=True)
    helper.start()
    try:
        return cli.main([*UP, *extra], client=_client, http=_RoutedHttp(service.url), out=printed.append)
    finally:
        stop.set()
        helper.join(5)


def _schedules() -> list[str]:
    rules = boto3.client("events", region_name=REGION).list_rules()["Rules"]
    return [r["ScheduleExpression"] for r in rules if "ScheduleExpression" in r]


def test_up_status_logs_then_down_keeps_the_data(aws: None) -> None:
    service = _Service()
    printed: list[str] = []
    assert _up(service, printed) == 0, "\n".join(printed)
    assert _schedules() == []  # no --pipeline-schedule: no rule and no role for one
    text = "\n".join(printed)
    assert "creating stack consumer-rights:" in text and "updating stack consumer-rights to images" in text
    assert "check: the index is empty; running the data pipeline once" in text
    assert "pipeline: finished" in text and text.rstrip().endswith(".elb.amazonaws.com")
    # the budget follows the estimate (the stack's default of $100 is below the stack's own cost)
    suggested = cost.suggested_budget_usd(cli.monthly_cost("minimal", "public"))
    assert suggested > cost.total(cli.monthly_cost("minimal", "public")) > 100
    assert f"budget: ${suggested} a month" in text
    budget = boto3.client("budgets", region_name="us-east-1").describe_budget(
        AccountId=boto3.client("sts").get_caller_identity()["Account"], BudgetName="consumer-rights-monthly"
    )
    assert float(budget["Budget"]["BudgetLimit"]["Amount"]) == suggested
    operator_key = _secret("operator-api-key")
    assert service.keys[-1] == operator_key
    import hashlib

    assert hashlib.sha256(operator_key.encode()).hexdigest() in _secret("api-keys-sha256").split(",")
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    (current,) = cloudformation.describe_stacks(StackName="consumer-rights")["Stacks"]
    assert {p["ParameterKey"]: p["ParameterValue"] for p in current["Parameters"]}["ImageTag"] == TAG

    # a second `up` of the same release changes nothing and still checks the service
    again: list[str] = []
    assert _up(service, again) == 0
    assert "  (no changes)" in again and "creating stack" not in "\n".join(again)

    status: list[str] = []
    assert cli.main(["status", "--region", REGION], client=_client, out=status.append) == 0
    assert status[0].startswith("stack consumer-rights: ") and "images 2026-12-01-abc1234" in status[0]
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_stream(logGroupName="/ecs/consumer-rights", logStreamName="rag-core/rag-core/1")
    logs.put_log_events(
        logGroupName="/ecs/consumer-rights",
        logStreamName="rag-core/rag-core/1",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": '{"msg": "index switched"}'}],
    )
    lines: list[str] = []
    assert (
        cli.main(["logs", "--region", REGION, "--container", "rag-core"], client=_client, out=lines.append)
        == 0
    )
    assert lines and lines[0].endswith('rag-core: {"msg": "index switched"}')

    found = stack.outputs(current)
    down: list[str] = []
    assert (
        cli.main(["down", "--region", REGION, "--waiter-delay-s", "1"], client=_client, out=down.append) == 0
    )
    assert stack.describe(cloudformation, "consumer-rights") is None
    assert boto3.client("efs", region_name=REGION).describe_file_systems(FileSystemId=found["FileSystem"])
    assert boto3.client("backup", region_name=REGION).describe_backup_vault(
        BackupVaultName=found["BackupVault"]
    )
    # (moto's describe_key fails on a key CloudFormation made: it keeps the policy as a dict)
    assert found["Key"] in {k["KeyId"] for k in boto3.client("kms", region_name=REGION).list_keys()["Keys"]}
    assert any(line.startswith("kept (delete with `down --purge`)") for line in down)


def test_down_purge_removes_what_down_keeps(aws: None) -> None:
    service = _Service()
    assert _up(service, [], "--pipeline-schedule", "rate(7 days)") == 0
    assert _schedules() == ["rate(7 days)"]
    found = stack.outputs(
        boto3.client("cloudformation", region_name=REGION).describe_stacks(StackName="consumer-rights")[
            "Stacks"
        ][0]
    )
    # moto has no ListRecoveryPointsByBackupVault: botocore's Stubber checks those requests instead
    from botocore.stub import Stubber

    backup = boto3.client("backup", region_name=REGION)
    stubber = Stubber(backup)
    stubber.add_response(
        "list_recovery_points_by_backup_vault",
        {"RecoveryPoints": [{"RecoveryPointArn": "arn:aws:backup:ap-south-1:123456789012:recovery-point:1"}]},
        {"BackupVaultName": found["BackupVault"]},
    )
    stubber.add_response(
        "delete_recovery_point",
        {},
        {
            "BackupVaultName": found["BackupVault"],
            "RecoveryPointArn": "arn:aws:backup:ap-south-1:123456789012:recovery-point:1",
        },
    )
    stubber.add_response("delete_backup_vault", {}, {"BackupVaultName": found["BackupVault"]})

    def client(service: str, region: str) -> Any:
        return backup if service == "backup" else _client(service, region)

    printed: list[str] = []
    args = ["down", "--purge", "--region", REGION, "--waiter-delay-s", "1"]
    with stubber:
        assert cli.main(args, client=client, out=printed.append) == 0
    stubber.assert_no_pending_responses()
    assert not boto3.client("efs", region_name=REGION).describe_file_systems()["FileSystems"]
    assert f"purged KMS key {found['Key']} (deleted in 7 days)" in printed
    assert any(line.startswith("purged backup vault") for line in printed)


def test_production_up_waits_for_every_service_and_rotation_restarts_them_all(aws: None) -> None:
    service = _Service()
    printed: list[str] = []
    argv = [*UP[UP.index("--region") :], "--tier", "production", "--network-mode", "nat"]
    stop = threading.Event()
    helper = threading.Thread(target=_finish_pipeline_when_started, args=(service, stop), daemon=True)
    helper.start()
    try:
        code = cli.main(["up", *argv], client=_client, http=_RoutedHttp(service.url), out=printed.append)
    finally:
        stop.set()
        helper.join(5)
    assert code == 0, "\n".join(printed)
    names = [
        "consumer-rights-live-inference",
        "consumer-rights-rag-core",
        "consumer-rights-llm-connector",
        "consumer-rights-psql-worker",
    ]
    assert f"services {', '.join(names)} stable" in printed
    status: list[str] = []
    assert cli.main(["status", "--region", REGION], client=_client, out=status.append) == 0
    assert [line.split(":")[0] for line in status if line.startswith("service ")] == [
        f"service {n}" for n in names
    ]
    rotated: list[str] = []
    argv = ["rotate-secret", "database", "--region", REGION, "--waiter-delay-s", "1"]
    assert cli.main(argv, client=_client, out=rotated.append) == 0
    assert [line.split(":")[0] for line in rotated if "new tasks with the new database" in line] == [
        f"service {n}" for n in names
    ]


@pytest.mark.parametrize("secret", ["database", "rabbitmq"])
def test_rotate_secret_puts_a_new_password_everywhere_and_restarts_the_tasks(aws: None, secret: str) -> None:
    found = _create("minimal")
    account, url_name = {"database": ("database", "database-url"), "rabbitmq": ("rabbitmq", "amqp-url")}[
        secret
    ]
    before, before_url = json.loads(_secret(account)), httpx.URL(_secret(url_name))
    ecs = boto3.client("ecs", region_name=REGION)
    printed: list[str] = []
    argv = ["rotate-secret", secret, "--region", REGION, "--waiter-delay-s", "1"]
    assert cli.main(argv, client=_client, out=printed.append) == 0, printed
    after, after_url = json.loads(_secret(account)), httpx.URL(_secret(url_name))
    assert after["password"] != before["password"] and len(after["password"]) == 32
    assert after["password"].isalnum() and {**before, "password": ""} == {**after, "password": ""}
    assert after_url.password == after["password"]
    assert after_url.copy_with(password="x") == before_url.copy_with(password="x")  # only the password
    (service,) = ecs.describe_services(cluster="consumer-rights", services=[found["ServiceName"]])["services"]
    assert any("new tasks with the new" in line for line in printed)
    assert any(d["status"] == "PRIMARY" and d["id"] in printed[-1] for d in service["deployments"])
    assert not any(before["password"] in line or after["password"] in line for line in printed)


def test_rotate_secret_refuses_the_amazon_mq_user_and_changes_nothing(aws: None) -> None:
    _create("production", "nat")
    before = _secret("rabbitmq"), _secret("amqp-url")
    printed: list[str] = []
    argv = ["rotate-secret", "rabbitmq", "--region", REGION, "--waiter-delay-s", "1"]
    assert cli.main(argv, client=_client, out=printed.append) == 2
    assert "docs/runbook.md" in printed[0] and (_secret("rabbitmq"), _secret("amqp-url")) == before


# -- dry run and cost: golden files (regenerate: UPDATE_GOLDEN=1 pytest tests/deploy/test_deploy_moto.py) ---


def _golden(name: str, lines: list[str], monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    import os

    path = GOLDEN / name
    text = "\n".join(lines) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


class _NoWrites:
    """Wraps a boto3 client; any call that is not a read (or a dry run's change set) fails the test."""

    ALLOWED = ("describe_", "get_", "list_", "create_change_set", "delete_change_set")

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        if not name.startswith(self.ALLOWED) and name not in ("meta",):
            raise AssertionError(f"a dry run called {name}")
        return getattr(self.client, name)


def test_dry_run_on_a_new_account_is_golden_and_writes_nothing(aws: None) -> None:
    printed: list[str] = []
    argv = ["up", "--dry-run", "--region", REGION, "--email", "ops@example.org", "--image-tag", TAG]
    assert cli.main(argv, client=lambda s, r: _NoWrites(_client(s, r)), out=printed.append) == 0
    _golden("dry_run_new_stack.txt", printed)
    assert not boto3.client("cloudformation", region_name=REGION).list_stacks()["StackSummaries"]


def test_dry_run_on_an_existing_stack_prints_the_change_set_and_changes_nothing(aws: None) -> None:
    _create("minimal", image_tag="2026-11-01-0000000")
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    before = cloudformation.describe_stacks(StackName="consumer-rights")["Stacks"][0]
    printed: list[str] = []
    argv = ["up", "--dry-run", "--region", REGION, "--image-tag", TAG, "--poll-s", "0.05"]
    argv += ["--parameter", "DailyLlmBudgetUsd=2.50"]
    assert cli.main(argv, client=lambda s, r: _NoWrites(_client(s, r)), out=printed.append) == 0
    text = "\n".join(printed)
    assert "DailyLlmBudgetUsd = '2.50'" in text and "MonthlyLlmBudgetUsd = (previous value)" in text
    assert "Dry run: the change set for stack consumer-rights:" in text
    assert f"ImageTag = '{TAG}'" in text and "NotificationEmail = (previous value)" in text
    # made with the template's default budget ($100), below the tier's estimate: said, not changed
    assert "budget: warning: the stack's budget of $100 a month is below this estimate" in text
    assert "MonthlyBudgetUsd = (previous value)" in text
    assert text.rstrip().endswith("Dry run: nothing was changed.")
    after = cloudformation.describe_stacks(StackName="consumer-rights")["Stacks"][0]
    assert after["Parameters"] == before["Parameters"]
    assert not cloudformation.list_change_sets(StackName="consumer-rights")["Summaries"]


@pytest.mark.parametrize("pair", ["DailyLlmBudget=2", "DailyLlmBudgetUsd", "Tier=production"])
def test_up_refuses_an_unknown_parameter_before_any_call(pair: str) -> None:
    printed: list[str] = []

    def no_client(service: str, region: str) -> Any:
        raise AssertionError(f"called {service}")

    argv = ["up", "--region", REGION, "--parameter", pair]
    assert cli.main(argv, client=no_client, http=object(), out=printed.append) == 2
    (message,) = printed
    assert message.startswith(f"--parameter {pair!r}: expected KEY=VALUE") and "DailyLlmBudgetUsd" in message


@pytest.mark.parametrize("tier", ["minimal", "production"])
@pytest.mark.parametrize("network_mode", ["public", "nat", "endpoints"])
def test_cost_table_is_golden(tier: str, network_mode: str) -> None:
    printed: list[str] = []
    assert cli.main(["cost", "--tier", tier, "--network-mode", network_mode], out=printed.append) == 0
    _golden(f"cost_{tier}_{network_mode}.txt", printed)
