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


def test_a_warehouse_loaded_before_sources_existed_is_rekeyed_to_the_first_source(
        empty_database, tmp_path):
    """V014 on rows loaded under V013: they belong to the configuration's first source and
    tree, their keys become hash(source/code), and every fact still finds its dimensions."""
    import shutil

    from tthc_pipeline.paths import MIGRATIONS_DIR

    for migration in discover():
        if migration.version <= 13:
            shutil.copy(migration.path, tmp_path / migration.path.name)
    apply_migrations(empty_database, tmp_path)
    with psycopg.connect(empty_database) as conn:
        conn.execute(
            "insert into meta.load_batch (entity, window_start, window_end)"
            " values ('ho_so', '2026-03-01 00:00+07', '2026-03-02 00:00+07')")
        conn.execute(
            "insert into meta.watermark (entity, window_start, window_end, batch_id, loaded_at)"
            " select entity, window_start, window_end, batch_id, now() from meta.load_batch")
        conn.execute(
            "insert into dw.dim_unit (unit_key, unit_durable_key, unit_code, valid_from, row_hash)"
            " values (dw.version_key('U1', '2026-01-01'), dw.hash_key('U1'), 'U1',"
            " '2026-01-01', 'h')")
        conn.execute(
            "insert into dw.dim_procedure (procedure_key, procedure_durable_key, procedure_code,"
            " handling_unit_codes, valid_from, row_hash) values (dw.version_key('P1',"
            " '2026-01-01'), dw.hash_key('P1'), 'P1', '{U1}', '2026-01-01', 'h')")
        conn.execute(
            "insert into dw.bridge_procedure_unit (procedure_key, unit_code, unit_durable_key)"
            " values (dw.version_key('P1', '2026-01-01'), 'U1', dw.hash_key('U1'))")
        conn.execute(
            "insert into dw.fact_dossier (dossier_key, dossier_code, unit_durable_key,"
            " procedure_durable_key, channel_key, applicant_type_key, current_status_key,"
            " submitted_date_key, received_date_key, due_date_key, finished_date_key,"
            " returned_date_key, supplement_count, fee_total, service_fee_total, levy_total,"
            " is_paid_online, source_updated_at) values (dw.hash_key('D1'), 'D1',"
            " dw.hash_key('U1'), dw.hash_key('P1'), -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0,"
            " false, '2026-03-01')")
        conn.execute(
            "insert into dw.fact_dossier_status (dossier_key, step_no, status_key,"
            " status_date_key) values (dw.hash_key('D1'), 1, -1, -1)")
        conn.execute(
            "insert into dw.fact_payment (payment_key, payment_ref, dossier_key, dossier_code,"
            " unit_durable_key, procedure_durable_key, initiated_date_key, succeeded_date_key,"
            " refunded_date_key, source_updated_at) values (dw.hash_key('T1'), 'T1',"
            " dw.hash_key('D1'), 'D1', dw.hash_key('U1'), dw.hash_key('P1'), -1, -1, -1,"
            " '2026-03-01')")
    assert apply_migrations(empty_database, MIGRATIONS_DIR)[0] == "V014__sources.sql"
    with psycopg.connect(empty_database) as conn:
        assert conn.execute("select source_code from meta.load_batch").fetchall() \
            == [("quang_nam",)]
        assert conn.execute("select source_code from meta.watermark").fetchall() \
            == [("quang_nam",)]
        joined = conn.execute(
            "select d.source_code, d.dossier_key = dw.source_key('quang_nam', 'D1'),"
            " u.unit_code, p.procedure_code, s.step_no, pay.payment_ref, b.unit_code"
            " from dw.fact_dossier as d"
            " join dw.dim_unit as u on u.unit_durable_key = d.unit_durable_key"
            " join dw.dim_procedure as p on p.procedure_durable_key = d.procedure_durable_key"
            " join dw.fact_dossier_status as s on s.dossier_key = d.dossier_key"
            " join dw.fact_payment as pay on pay.dossier_key = d.dossier_key"
            " join dw.bridge_procedure_unit as b on b.procedure_key = p.procedure_key"
            "  and b.unit_durable_key = u.unit_durable_key").fetchall()
        assert joined == [("quang_nam", True, "U1", "P1", 1, "T1", "U1")]
        unknown = conn.execute(
            "select source_code from dw.dim_unit where unit_key = -1").fetchall()
        assert unknown == [(None,)]


def test_rows_loaded_before_the_scorecard_fields_take_them_from_their_next_load(
        empty_database, tmp_path):
    """V015 on a loaded warehouse: existing rows get false and no letter, and their content
    hashes are cleared so that the next load of the same version (same NgayCapNhat) brings
    the new fields whatever its hash."""
    import shutil

    from helpers.pipeline import ingest
    from helpers.records import procedure

    from tthc_pipeline.paths import MIGRATIONS_DIR

    for migration in discover():
        if migration.version <= 14:
            shutil.copy(migration.path, tmp_path / migration.path.name)
    apply_migrations(empty_database, tmp_path)
    with psycopg.connect(empty_database) as conn:
        conn.execute(
            "insert into dw.dim_procedure (procedure_key, procedure_durable_key, source_code,"
            " procedure_code, handling_unit_codes, valid_from, row_hash) values"
            " (dw.source_version_key('quang_nam', '1.000001', '2025-01-01 00:00+07'),"
            " dw.source_key('quang_nam', '1.000001'), 'quang_nam', '1.000001', '{U1}',"
            " '2025-01-01 00:00+07', md5('a V014 row hash'))")
    assert apply_migrations(empty_database, MIGRATIONS_DIR)[0] == "V015__scorecard_fields.sql"
    versions = ("select is_full_process_eligible, has_online_payment, row_hash <> ''"
                " from dw.dim_procedure where procedure_code = '1.000001'")
    with psycopg.connect(empty_database) as conn:
        assert conn.execute(versions).fetchall() == [(False, False, False)]
    ingest(empty_database, "thu_tuc", [procedure("1.000001", "20250101000000", ["U1"],
                                                 DuDieuKienToanTrinh=True,
                                                 CoThanhToanTrucTuyen=True)])
    with psycopg.connect(empty_database) as conn:
        assert conn.execute(versions).fetchall() == [(True, True, True)]
