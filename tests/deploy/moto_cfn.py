"""Where moto's CloudFormation stops, each resource is created through moto's own API instead.

moto 5.2 has no CloudFormation model for the types below (it skips them with a warning), no
`Fn::GetAtt ... Arn` for EFS file systems and access points and no full names of the load balancer
and target group. `install()` registers one small model
per missing type that sends the resource's properties to moto's service API with boto3, the way
CloudFormation would, and resolves `{{resolve:secretsmanager:...}}` dynamic references as
CloudFormation does. moto has no API at all for AWS Backup selections: those are only recorded
(RECORDED) for the tests to read.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, ClassVar

import boto3
from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import route_tables, subnets, vpn_gateway
from moto.ecs import models as ecs_models
from moto.efs import models as efs_models
from moto.elbv2 import models as elbv2_models

RECORDED: dict[str, dict[str, Any]] = {}
_DYNAMIC = re.compile(
    r"\{\{resolve:secretsmanager:(arn:[^:]+:secretsmanager:[^:]+:\d+:secret:[^:}]+)"
    r"(?::SecretString(?::([^:}]*))?)?[^}]*\}\}"
)


def resolve_dynamic_references(text: str, region: str) -> str:
    secrets = boto3.client("secretsmanager", region_name=region)

    def value(match: re.Match[str]) -> str:
        secret = secrets.get_secret_value(SecretId=match.group(1))["SecretString"]
        return str(json.loads(secret)[match.group(2)]) if match.group(2) else secret

    return _DYNAMIC.sub(value, text)


class _Adapter(CloudFormationModel):
    TYPE: ClassVar[str] = ""

    def __init__(self, physical_id: str, attributes: dict[str, Any], region: str) -> None:
        self._physical_id = physical_id
        self.attributes = attributes
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def cloudformation_type(cls) -> str:  # type: ignore[override]
        return cls.TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    @property
    def physical_resource_id(self) -> str:
        return self._physical_id

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.attributes[attribute_name]

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> _Adapter:
        return cls.create(resource_name, cloudformation_json.get("Properties", {}), account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls,
        original_resource: _Adapter,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> _Adapter:
        original_resource.delete(account_id, region_name)
        return cls.create(
            new_resource_name, cloudformation_json.get("Properties", {}), account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        return None

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        raise NotImplementedError

    def delete(self, account_id: str, region_name: str) -> None:
        return None


class Secret(_Adapter):
    TYPE = "AWS::SecretsManager::Secret"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        client = boto3.client("secretsmanager", region_name=region)
        if "SecretString" in props:
            value = resolve_dynamic_references(props["SecretString"], region)
        else:
            generate = props["GenerateSecretString"]
            password = client.get_random_password(
                PasswordLength=generate.get("PasswordLength", 32),
                ExcludePunctuation=generate.get("ExcludePunctuation", False),
            )["RandomPassword"]
            if "SecretStringTemplate" in generate:
                document = json.loads(generate["SecretStringTemplate"])
                document[generate["GenerateStringKey"]] = password
                value = json.dumps(document)
            else:
                value = password
        arn = client.create_secret(
            Name=props.get("Name", name),
            SecretString=value,
            KmsKeyId=props.get("KmsKeyId", ""),
            Description=props.get("Description", ""),
        )["ARN"]
        return cls(arn, {"Id": arn}, region)

    def delete(self, account_id: str, region_name: str) -> None:
        boto3.client("secretsmanager", region_name=self.region).delete_secret(
            SecretId=self.physical_resource_id, ForceDeleteWithoutRecovery=True
        )


class SecretTargetAttachment(_Adapter):
    TYPE = "AWS::SecretsManager::SecretTargetAttachment"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        secrets = boto3.client("secretsmanager", region_name=region)
        (instance,) = boto3.client("rds", region_name=region).describe_db_instances(
            DBInstanceIdentifier=props["TargetId"]
        )["DBInstances"]
        document = json.loads(secrets.get_secret_value(SecretId=props["SecretId"])["SecretString"])
        document.update(
            engine=instance["Engine"],
            host=instance["Endpoint"]["Address"],
            port=instance["Endpoint"]["Port"],
            dbname=instance.get("DBName", ""),
            dbInstanceIdentifier=instance["DBInstanceIdentifier"],
        )
        secrets.put_secret_value(SecretId=props["SecretId"], SecretString=json.dumps(document))
        return cls(props["SecretId"], {}, region)


class SecurityGroupEgress(_Adapter):
    TYPE = "AWS::EC2::SecurityGroupEgress"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        permission = {
            "IpProtocol": props["IpProtocol"],
            "FromPort": int(props["FromPort"]),
            "ToPort": int(props["ToPort"]),
            "UserIdGroupPairs": [{"GroupId": props["DestinationSecurityGroupId"]}],
        }
        boto3.client("ec2", region_name=region).authorize_security_group_egress(
            GroupId=props["GroupId"], IpPermissions=[permission]
        )
        return cls(f"sgr-{uuid.uuid4().hex[:17]}", {}, region)


class BackupVault(_Adapter):
    TYPE = "AWS::Backup::BackupVault"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        made = boto3.client("backup", region_name=region).create_backup_vault(
            BackupVaultName=props["BackupVaultName"], EncryptionKeyArn=props.get("EncryptionKeyArn", "")
        )
        return cls(props["BackupVaultName"], {"BackupVaultArn": made["BackupVaultArn"]}, region)


class BackupPlan(_Adapter):
    TYPE = "AWS::Backup::BackupPlan"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        plan = props["BackupPlan"]
        rules = [
            {
                "RuleName": r["RuleName"],
                "TargetBackupVaultName": r["TargetBackupVault"],
                "ScheduleExpression": r["ScheduleExpression"],
                "StartWindowMinutes": int(r["StartWindowMinutes"]),
                "Lifecycle": {"DeleteAfterDays": int(r["Lifecycle"]["DeleteAfterDays"])},
            }
            for r in plan["BackupPlanRule"]
        ]
        made = boto3.client("backup", region_name=region).create_backup_plan(
            BackupPlan={"BackupPlanName": plan["BackupPlanName"], "Rules": rules}
        )
        return cls(made["BackupPlanId"], {"BackupPlanId": made["BackupPlanId"]}, region)

    def delete(self, account_id: str, region_name: str) -> None:
        boto3.client("backup", region_name=self.region).delete_backup_plan(
            BackupPlanId=self.physical_resource_id
        )


class BackupSelection(_Adapter):
    """moto has no CreateBackupSelection: the selection is recorded, not sent."""

    TYPE = "AWS::Backup::BackupSelection"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        RECORDED[name] = props
        return cls(name, {}, region)

    def delete(self, account_id: str, region_name: str) -> None:
        RECORDED.pop(self.physical_resource_id, None)


class Alarm(_Adapter):
    TYPE = "AWS::CloudWatch::Alarm"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        request = {k: v for k, v in props.items()}
        for number in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
            request[number] = int(request[number])
        request["Threshold"] = float(request["Threshold"])
        boto3.client("cloudwatch", region_name=region).put_metric_alarm(**request)
        return cls(props["AlarmName"], {}, region)

    def delete(self, account_id: str, region_name: str) -> None:
        boto3.client("cloudwatch", region_name=self.region).delete_alarms(
            AlarmNames=[self.physical_resource_id]
        )


class Budget(_Adapter):
    TYPE = "AWS::Budgets::Budget"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        budget = json.loads(json.dumps(props["Budget"]))
        budget["BudgetLimit"]["Amount"] = str(budget["BudgetLimit"]["Amount"])
        notifications = json.loads(json.dumps(props["NotificationsWithSubscribers"]))
        for entry in notifications:
            entry["Notification"]["Threshold"] = float(entry["Notification"]["Threshold"])
        boto3.client("budgets", region_name="us-east-1").create_budget(
            AccountId=account_id, Budget=budget, NotificationsWithSubscribers=notifications
        )
        return cls(budget["BudgetName"], {"account": account_id}, region)

    def delete(self, account_id: str, region_name: str) -> None:
        boto3.client("budgets", region_name="us-east-1").delete_budget(
            AccountId=account_id, BudgetName=self.physical_resource_id
        )


class ScalableTarget(_Adapter):
    TYPE = "AWS::ApplicationAutoScaling::ScalableTarget"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        boto3.client("application-autoscaling", region_name=region).register_scalable_target(
            ServiceNamespace=props["ServiceNamespace"],
            ResourceId=props["ResourceId"],
            ScalableDimension=props["ScalableDimension"],
            MinCapacity=int(props["MinCapacity"]),
            MaxCapacity=int(props["MaxCapacity"]),
        )
        return cls(
            f"{props['ResourceId']}|{props['ScalableDimension']}|{props['ServiceNamespace']}", {}, region
        )

    def delete(self, account_id: str, region_name: str) -> None:
        resource, dimension, namespace = self.physical_resource_id.split("|")
        boto3.client("application-autoscaling", region_name=self.region).deregister_scalable_target(
            ServiceNamespace=namespace, ResourceId=resource, ScalableDimension=dimension
        )


class ScalingPolicy(_Adapter):
    TYPE = "AWS::ApplicationAutoScaling::ScalingPolicy"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        resource, dimension, namespace = props["ScalingTargetId"].split("|")
        config = dict(props["TargetTrackingScalingPolicyConfiguration"])
        for number in ("ScaleOutCooldown", "ScaleInCooldown"):
            config[number] = int(config[number])
        config["TargetValue"] = float(config["TargetValue"])
        arn = boto3.client("application-autoscaling", region_name=region).put_scaling_policy(
            PolicyName=props["PolicyName"],
            ServiceNamespace=namespace,
            ResourceId=resource,
            ScalableDimension=dimension,
            PolicyType=props["PolicyType"],
            TargetTrackingScalingPolicyConfiguration=config,
        )["PolicyARN"]
        return cls(arn, {}, region)


class Broker(_Adapter):
    TYPE = "AWS::AmazonMQ::Broker"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        users = [
            {"Username": u["Username"], "Password": resolve_dynamic_references(u["Password"], region)}
            for u in props["Users"]
        ]
        made = boto3.client("mq", region_name=region).create_broker(
            BrokerName=props["BrokerName"],
            EngineType=props["EngineType"],
            EngineVersion=props["EngineVersion"],
            DeploymentMode=props["DeploymentMode"],
            HostInstanceType=props["HostInstanceType"],
            PubliclyAccessible=bool(props["PubliclyAccessible"]),
            SubnetIds=props["SubnetIds"],
            SecurityGroups=props["SecurityGroups"],
            Users=users,
            AutoMinorVersionUpgrade=bool(props["AutoMinorVersionUpgrade"]),
        )
        broker_id = made["BrokerId"]
        endpoint = f"amqps://{broker_id}.mq.{region}.amazonaws.com:5671"
        return cls(broker_id, {"AmqpEndpoints": [endpoint], "Arn": made["BrokerArn"]}, region)


class CacheSubnetGroup(_Adapter):
    TYPE = "AWS::ElastiCache::SubnetGroup"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        group = f"{name.lower()}-{uuid.uuid4().hex[:8]}"
        boto3.client("elasticache", region_name=region).create_cache_subnet_group(
            CacheSubnetGroupName=group,
            CacheSubnetGroupDescription=props["Description"],
            SubnetIds=props["SubnetIds"],
        )
        return cls(group, {}, region)


class ReplicationGroup(_Adapter):
    TYPE = "AWS::ElastiCache::ReplicationGroup"

    @classmethod
    def create(cls, name: str, props: dict[str, Any], account_id: str, region: str) -> _Adapter:
        group = f"cr-{uuid.uuid4().hex[:8]}"
        boto3.client("elasticache", region_name=region).create_replication_group(
            ReplicationGroupId=group,
            ReplicationGroupDescription=props["ReplicationGroupDescription"],
            Engine=props["Engine"],
            CacheNodeType=props["CacheNodeType"],
            NumCacheClusters=int(props["NumCacheClusters"]),
            CacheSubnetGroupName=props["CacheSubnetGroupName"],
            SecurityGroupIds=props["SecurityGroupIds"],
            TransitEncryptionEnabled=bool(props["TransitEncryptionEnabled"]),
            AtRestEncryptionEnabled=bool(props["AtRestEncryptionEnabled"]),
            AuthToken=resolve_dynamic_references(props["AuthToken"], region),
        )
        address = f"master.{group}.cache.amazonaws.com"
        return cls(group, {"PrimaryEndPoint.Address": address, "PrimaryEndPoint.Port": "6379"}, region)


def _efs_arn(self: Any, attribute_name: str) -> Any:
    if attribute_name == "Arn":
        return getattr(self, "file_system_arn", None) or self.access_point_arn
    raise NotImplementedError(attribute_name)


_subnet_attribute = subnets.Subnet.get_cfn_attribute


def _subnet_cidr(self: Any, attribute_name: str) -> Any:
    """moto has no `Fn::GetAtt Subnet.CidrBlock` (the gateway's TRUSTED_PROXIES are the ALB subnets)."""
    if attribute_name == "CidrBlock":
        return self.cidr_block
    return _subnet_attribute(self, attribute_name)


_load_balancer_attribute = elbv2_models.FakeLoadBalancer.get_cfn_attribute


def _load_balancer_full_name(self: Any, attribute_name: str) -> Any:
    """moto has no `LoadBalancerFullName` (the `app/<name>/<id>` that ALBRequestCountPerTarget names)."""
    if attribute_name == "LoadBalancerFullName":
        return self.arn.split(":loadbalancer/", 1)[1]
    return _load_balancer_attribute(self, attribute_name)


def _target_group_full_name(self: Any, attribute_name: str) -> Any:
    """moto has no `TargetGroupFullName` (`targetgroup/<name>/<id>`, the ARN's resource part)."""
    if attribute_name == "TargetGroupFullName":
        return self.arn.split(":", 5)[5]
    raise NotImplementedError(attribute_name)


ADAPTED = [a.TYPE for a in _Adapter.__subclasses__()]


def _apply_change_set(self: Any) -> None:
    """moto's change set updates the resources only; CloudFormation also sets parameters and outputs."""
    self.stack.resource_map.update(self.template_dict, self.parameters)
    self.stack.parameters = self.parameters
    self.stack.template = self.template
    self.stack._parse_template()
    self.stack.output_map = self.stack._create_output_map()


_update_task_definition = ecs_models.TaskDefinition.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _update_or_create_task_definition(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    """moto updates a task definition whose Condition is false as if it existed; CloudFormation skips it."""
    if original_resource is None:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
    return _update_task_definition(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    )


def _detach_gateway(self: Any, account_id: str, region_name: str) -> None:
    """moto deletes a VPCGatewayAttachment without detaching the gateway, so the VPC cannot go."""
    boto3.client("ec2", region_name=region_name).detach_internet_gateway(
        InternetGatewayId=self.gateway_id, VpcId=self.vpc_id
    )


def _disassociate(self: Any, account_id: str, region_name: str) -> None:
    """moto deletes a SubnetRouteTableAssociation without disassociating it, so the table cannot go."""
    ec2 = boto3.client("ec2", region_name=region_name)
    tables = ec2.describe_route_tables(Filters=[{"Name": "route-table-id", "Values": [self.route_table_id]}])
    for table in tables["RouteTables"]:
        for association in table.get("Associations", []):
            if association.get("SubnetId") == self.subnet_id:
                ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])


def _delete_route_table(self: Any, account_id: str, region_name: str) -> None:
    boto3.client("ec2", region_name=region_name).delete_route_table(RouteTableId=self.id)


_parse_and_update = parsing.parse_and_update_resource


def _update_respecting_conditions(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
) -> Any:
    """moto updates a resource whose Condition is false as if it existed; CloudFormation skips it,
    and creates one whose condition became true."""
    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return None
    if resources_map._parsed_resources.get(logical_id) is None:
        return parsing.parse_and_create_resource(
            logical_id, resource_json, resources_map, account_id, region_name
        )
    return _parse_and_update(logical_id, resource_json, resources_map, account_id, region_name)


_resource_map_update = parsing.ResourceMap.update


def _update_following_conditions(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
    """moto's update creates and deletes only what the template diff names; CloudFormation also creates
    a resource whose Condition became true (the pipeline schedule once there are images) and deletes one
    whose Condition became false."""
    _resource_map_update(self, template, parameters)
    for logical_id, resource_json in self._resource_json_map.items():
        condition = resource_json.get("Condition")
        if not condition:
            continue
        existing = self._parsed_resources.get(logical_id)
        if self.lazy_condition_map[condition]:
            if existing is None:
                self._parsed_resources.pop(logical_id, None)
                _ = self[logical_id]
        elif existing is not None:
            self._delete_resource(existing, resource_json)
            del self._parsed_resources[logical_id]


def install() -> None:
    """Make moto's CloudFormation create the adapted types (idempotent)."""
    parsing.parse_and_update_resource = _update_respecting_conditions
    parsing.ResourceMap.update = _update_following_conditions  # type: ignore[method-assign]
    if not hasattr(route_tables.RouteTable, "delete"):
        route_tables.RouteTable.delete = _delete_route_table  # type: ignore[attr-defined]
    subnets.SubnetRouteTableAssociation.delete = _disassociate  # type: ignore[attr-defined]
    vpn_gateway.VPCGatewayAttachment.delete = _detach_gateway  # type: ignore[attr-defined]
    ecs_models.TaskDefinition.update_from_cloudformation_json = classmethod(  # type: ignore[method-assign]
        _update_or_create_task_definition
    )
    cfn_models.ChangeSet.apply = _apply_change_set  # type: ignore[method-assign]
    subnets.Subnet.get_cfn_attribute = _subnet_cidr  # type: ignore[method-assign]
    elbv2_models.FakeLoadBalancer.get_cfn_attribute = _load_balancer_full_name  # type: ignore[method-assign]
    elbv2_models.FakeTargetGroup.get_cfn_attribute = _target_group_full_name  # type: ignore[attr-defined]
    efs_models.FileSystem.get_cfn_attribute = _efs_arn  # type: ignore[attr-defined]
    efs_models.AccessPoint.get_cfn_attribute = _efs_arn  # type: ignore[attr-defined]
    model_map = parsing.get_model_map()
    for adapter in _Adapter.__subclasses__():
        model_map[adapter.TYPE] = adapter
