import logging

from ..models import AuditRecord, User

logger = logging.getLogger("matchmaking.audit")


def record_change(
    *,
    actor: User | None,
    entity: str,
    entity_id: int,
    action: str,
    from_status: str,
    to_status: str,
    note: str = "",
) -> AuditRecord:
    logger.info(
        "%s #%s %s: %s -> %s by %s",
        entity,
        entity_id,
        action,
        from_status or "-",
        to_status,
        actor.pk if actor else "system",
    )
    return AuditRecord.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        entity=entity,
        entity_id=entity_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note[:500],
    )
