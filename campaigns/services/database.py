"""What the database needs told after a large write."""
from django.db import connection

ANALYZE_AFTER = 10_000  # rows written by one import or backfill


def refresh_statistics(model, written: int) -> None:
    """ANALYZE a table after a large write, not at autovacuum's next round: with the old figures
    PostgreSQL may scan a whole list for a few numbers, or sort every call to show a page of 100."""
    if written >= ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
