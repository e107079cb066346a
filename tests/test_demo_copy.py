"""The copy of the demo that most demo tests start from (tests/demo_copy.py) is the command's."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from matchmaking.models import Topic

from . import demo_copy

pytestmark = pytest.mark.django_db


def test_the_copied_rows_are_the_rows_the_command_made():
    before = demo_copy._contents()
    point = transaction.savepoint()
    call_command("load_demo", verbosity=0)
    made = demo_copy._contents()
    copied = demo_copy._copy_out(before)
    transaction.savepoint_rollback(point)
    assert demo_copy._contents() == before

    demo_copy._copy_in(copied)

    assert demo_copy._contents() == made
    # The command fills only tables that were empty: a copy of those alone is the whole change.
    changed = {row[0] for row in set(made) - set(before)}
    assert changed == {table.name for table in copied}
    assert all(count == 0 for name, count, _hash in before if name in changed)


def test_rows_made_after_a_copy_get_ids_beyond_it():
    before = demo_copy._contents()
    point = transaction.savepoint()
    call_command("load_demo", verbosity=0)
    copied = demo_copy._copy_out(before)
    transaction.savepoint_rollback(point)
    # As on a database whose sequences never reached the copied ids.
    with connection.cursor() as cursor:
        for table in copied:
            if table.sequence:
                cursor.execute("SELECT setval(%s, 1, false)", [table.sequence])

    demo_copy._copy_in(copied)

    topic = Topic.objects.create(slug="after-the-copy", name="After the copy")
    assert topic.pk > max(Topic.objects.exclude(pk=topic.pk).values_list("pk", flat=True))


def test_a_database_with_other_rows_gets_the_command_not_the_copy():
    point = transaction.savepoint()
    demo_copy.load()  # keeps a copy, if none was kept
    transaction.savepoint_rollback(point)
    topic = Topic.objects.create(slug="telemedicine", name="Telemedicine")

    tour = demo_copy.load()

    assert tour.tandems.count() == 6
    assert Topic.objects.filter(slug="telemedicine").get() == topic
