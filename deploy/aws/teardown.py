"""`down`: delete the stack and keep the data (RDS final snapshot, EFS, backups, their key) unless purged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deploy.aws import stack

Out = Callable[[str], None]
KEY_DELETION_DAYS = 7


def down(
    client: Callable[[str, str], Any],
    *,
    region: str,
    stack_name: str,
    purge: bool,
    out: Out,
    waiter_delay_s: int = 15,
) -> int:
    cloudformation = client("cloudformation", region)
    existing = stack.describe(cloudformation, stack_name)
    if existing is None:
        out(f"stack {stack_name} does not exist in {region}; nothing to do")
        return 0
    found = stack.outputs(existing)
    rds = client("rds", region)
    database = found["Database"]
    # deletion protection guards against everything but this command; the stack's Snapshot policy
    # then takes the final snapshot while CloudFormation deletes the instance
    rds.modify_db_instance(DBInstanceIdentifier=database, DeletionProtection=False, ApplyImmediately=True)
    out(f"database {database}: deletion protection off (the final snapshot is taken on delete)")
    cloudformation.delete_stack(StackName=stack_name)
    cloudformation.get_waiter("stack_delete_complete").wait(
        StackName=stack_name, WaiterConfig={"Delay": waiter_delay_s, "MaxAttempts": 240}
    )
    out(f"stack {stack_name} deleted")
    snapshots = [
        s["DBSnapshotIdentifier"]
        for s in rds.describe_db_snapshots(DBInstanceIdentifier=database, SnapshotType="manual")[
            "DBSnapshots"
        ]
    ]
    if not purge:
        out("kept (delete with `down --purge`):")
        out(f"  RDS snapshots of {database}: {', '.join(snapshots) or '(being taken)'}")
        out(
            f"  EFS file system {found['FileSystem']}, backup vault {found['BackupVault']},"
            f" KMS key {found['Key']}"
        )
        return 0
    for snapshot in snapshots:
        rds.delete_db_snapshot(DBSnapshotIdentifier=snapshot)
        out(f"purged RDS snapshot {snapshot}")
    efs = client("efs", region)
    efs.delete_file_system(FileSystemId=found["FileSystem"])
    out(f"purged EFS file system {found['FileSystem']}")
    backup = client("backup", region)
    vault = found["BackupVault"]
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName=vault).get("RecoveryPoints", [])
    for point in points:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"])
    backup.delete_backup_vault(BackupVaultName=vault)
    out(f"purged backup vault {vault} ({len(points)} recovery points)")
    client("kms", region).schedule_key_deletion(KeyId=found["Key"], PendingWindowInDays=KEY_DELETION_DAYS)
    out(f"purged KMS key {found['Key']} (deleted in {KEY_DELETION_DAYS} days)")
    return 0
