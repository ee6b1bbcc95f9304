"""The deploy command against moto's ECS, ELBv2, CloudWatch, CloudWatch Logs and Budgets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from deploy.ecs.deploy import BUDGETS_REGION, LOG_RETENTION_DAYS, apply, build_plan, main
from tests.deploy.support import VALUES_EXAMPLE

REGION = "ap-south-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A mocked account with the infrastructure the deploy expects to exist: VPC, target group, cluster."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)
        ]
        group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
        target_group = boto3.client("elbv2", region_name=REGION).create_target_group(
            Name="consumer-rights-gateway",
            Protocol="HTTP",
            Port=8080,
            VpcId=vpc,
            TargetType="ip",
            HealthCheckPath="/",
        )["TargetGroups"][0]["TargetGroupArn"]
        boto3.client("ecs", region_name=REGION).create_cluster(clusterName="consumer-rights")
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        values = {
            **json.loads(VALUES_EXAMPLE.read_text()),
            "AWS_ACCOUNT_ID": account,
            "SUBNET_IDS": subnets,
            "SECURITY_GROUP_IDS": [group],
            "TARGET_GROUP_ARN": target_group,
        }
        path = tmp_path / "values.json"
        path.write_text(json.dumps(values))
        yield {"values": values, "path": path, "target_group": target_group, "account": account}


def _client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region)


def test_deploy_registers_creates_then_updates_the_service(aws: dict[str, Any]) -> None:
    printed: list[str] = []
    assert main(["--values", str(aws["path"])], client=_client, out=printed.append) == 0
    assert any("$" in line and "consumer-rights-live-inference:" in line for line in printed), "cost printed"

    ecs = boto3.client("ecs", region_name=REGION)
    (service,) = ecs.describe_services(
        cluster="consumer-rights", services=["consumer-rights-live-inference"]
    )["services"]
    assert service["taskDefinition"].endswith("task-definition/consumer-rights-live-inference:1")
    assert service["launchType"] == "FARGATE"
    assert service["loadBalancers"][0]["containerName"] == "pii-filter"
    registered = ecs.describe_task_definition(taskDefinition="consumer-rights-live-inference")[
        "taskDefinition"
    ]
    assert {c["name"] for c in registered["containerDefinitions"]} == {
        "pii-filter",
        "rag-core",
        "llm-connector",
        "psql-worker",
        "rabbitmq",
    }
    assert (registered["cpu"], registered["memory"]) == ("1024", "2048")
    assert ecs.describe_task_definition(taskDefinition="consumer-rights-data-pipeline")["taskDefinition"]

    assert main(["--values", str(aws["path"])], client=_client, out=printed.append) == 0
    (service,) = ecs.describe_services(
        cluster="consumer-rights", services=["consumer-rights-live-inference"]
    )["services"]
    assert service["taskDefinition"].endswith("task-definition/consumer-rights-live-inference:2")
    assert any(line.startswith("updated service") for line in printed)
    assert len(ecs.list_services(cluster="consumer-rights")["serviceArns"]) == 1


def test_deploy_sets_alarms_logs_target_group_and_budget(aws: dict[str, Any]) -> None:
    assert main(["--values", str(aws["path"])], client=_client, out=lambda _: None) == 0

    alarms = boto3.client("cloudwatch", region_name=REGION).describe_alarms(
        AlarmNamePrefix="consumer-rights"
    )["MetricAlarms"]
    by_metric = {a["MetricName"]: a for a in alarms}
    assert set(by_metric) == {"CPUUtilization", "MemoryUtilization"}
    for alarm in alarms:
        assert alarm["Namespace"] == "AWS/ECS" and alarm["Threshold"] == 80.0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
            "ClusterName": "consumer-rights",
            "ServiceName": "consumer-rights-live-inference",
        }
        assert alarm["AlarmActions"] == [aws["values"]["ALARM_TOPIC_ARN"]]

    (group,) = boto3.client("logs", region_name=REGION).describe_log_groups(
        logGroupNamePrefix="/ecs/consumer-rights"
    )["logGroups"]
    assert group["retentionInDays"] == LOG_RETENTION_DAYS

    (target_group,) = boto3.client("elbv2", region_name=REGION).describe_target_groups(
        TargetGroupArns=[aws["target_group"]]
    )["TargetGroups"]
    assert target_group["HealthCheckPath"] == "/health"

    budget = boto3.client("budgets", region_name=BUDGETS_REGION).describe_budget(
        AccountId=aws["account"], BudgetName="consumer-rights-monthly"
    )["Budget"]
    assert float(budget["BudgetLimit"]["Amount"]) == float(aws["values"]["AWS_BUDGET_MONTHLY_USD"])
    assert budget["TimeUnit"] == "MONTHLY"

    # a second deploy is idempotent for the log group, alarms and an unchanged budget
    assert main(["--values", str(aws["path"])], client=_client, out=lambda _: None) == 0


def test_run_pipeline_starts_the_ingest_task(aws: dict[str, Any]) -> None:
    assert main(["--values", str(aws["path"])], client=_client, out=lambda _: None) == 0
    printed: list[str] = []
    assert main(["run-pipeline", "--values", str(aws["path"])], client=_client, out=printed.append) == 0
    tasks = boto3.client("ecs", region_name=REGION).list_tasks(
        cluster="consumer-rights", family="consumer-rights-data-pipeline"
    )["taskArns"]
    assert len(tasks) == 1 and any(tasks[0] in line for line in printed)


def test_a_changed_budget_limit_is_updated(aws: dict[str, Any]) -> None:
    """moto has no UpdateBudget: botocore's Stubber checks the request against the real model instead."""
    values = {**aws["values"], "AWS_BUDGET_MONTHLY_USD": "150"}
    plan = build_plan(values)
    budgets = boto3.client("budgets", region_name=BUDGETS_REGION)
    stubber = Stubber(budgets)
    budget = plan.rendered["budget"]
    stubber.add_response(
        "describe_budget",
        {"Budget": {**budget["Budget"], "BudgetLimit": {"Amount": "100.0", "Unit": "USD"}}},
        {"AccountId": budget["AccountId"], "BudgetName": "consumer-rights-monthly"},
    )
    stubber.add_response(
        "update_budget", {}, {"AccountId": budget["AccountId"], "NewBudget": budget["Budget"]}
    )

    def client(service: str, region: str) -> Any:
        return budgets if service == "budgets" else _client(service, region)

    printed: list[str] = []
    with stubber:
        apply(plan, client, printed.append)
    stubber.assert_no_pending_responses()
    assert "updated budget consumer-rights-monthly: 150 USD a month" in printed
