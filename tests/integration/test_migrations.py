import psycopg
import pytest

from tthc_pipeline.warehouse.migrations import apply_migrations, discover

pytestmark = pytest.mark.integration


def test_migrations_apply_once_in_order(empty_database):
    first = apply_migrations(empty_database)
    assert first == [m.path.name for m in discover()]
    assert apply_migrations(empty_database) == []
    with psycopg.connect(empty_database) as conn:
        versions = [v for (v,) in conn.execute(
            "select version from meta.schema_migration order by 1")]
    assert versions == [m.version for m in discover()]


def test_an_applied_migration_that_changed_is_refused(empty_database, tmp_path):
    (tmp_path / "V001__first.sql").write_text("create table public.t (a int);")
    apply_migrations(empty_database, tmp_path)
    (tmp_path / "V001__first.sql").write_text("create table public.t (a bigint);")
    with pytest.raises(RuntimeError, match="changed after it was applied"):
        apply_migrations(empty_database, tmp_path)


def test_a_failing_migration_leaves_nothing_behind(empty_database, tmp_path):
    (tmp_path / "V001__ok.sql").write_text("create table public.ok (a int);")
    (tmp_path / "V002__broken.sql").write_text("create table public.half (a int); select 1/0;")
    with pytest.raises(psycopg.errors.DivisionByZero):
        apply_migrations(empty_database, tmp_path)
    with psycopg.connect(empty_database) as conn:
        tables = {t for (t,) in conn.execute(
            "select tablename from pg_tables where schemaname = 'public'")}
        versions = [v for (v,) in conn.execute("select version from meta.schema_migration")]
    assert tables == {"ok"}
    assert versions == [1]
