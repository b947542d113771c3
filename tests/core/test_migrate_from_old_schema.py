"""A database made before the renovation (ImportJob in the old `builderops` app) keeps its rows.

The old app's migration created `builderops_importjob` and a `builderops.importjob` content type.
Migrating csvio back to zero puts the table back under its old name, so the test can fill it as the
old code did, then migrates forward as an upgrade would.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from builderops.csvio.models import ImportJob
from tests.factories import superuser


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_import_jobs_made_before_the_move_keep_every_row_and_their_permissions():
    user = superuser()
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("csvio")
    migrate([("csvio", None)])
    assert "builderops_importjob" in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO builderops_importjob (kind, file, original_name, size, approve, is_async,"
            " status, counts, samples, errors, error_count, warnings, errors_file, failure,"
            " created_at, updated_at, user_id) VALUES ('homes', 'imports/a.csv', 'a.csv', 10,"
            " false, false, 'applied', '{\"new\": 3}', '{}', '[]', 0, '[]', '', '',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, %s)",
            [user.pk],
        )
    ContentType.objects.filter(app_label="csvio", model="importjob").update(app_label="builderops")
    ContentType.objects.clear_cache()

    migrate(leaf)

    assert "builderops_importjob" not in connection.introspection.table_names()
    job = ImportJob.objects.get()
    assert (job.original_name, job.counts, job.user) == ("a.csv", {"new": 3}, user)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(ImportJob).app_label == "csvio"
    assert not ContentType.objects.filter(app_label="builderops").exists()
