-- V018: the one-stop compliance flags (issue 16, item 2; shared/spec/scorecards.md, "Compliance
-- flags"), per dossier as of each report's cutoff and counted per unit over its subtree next to
-- the Directive 04 row:
-- - same_officer: the officer (TienDo.NguoiXuLy) of the reception step (status 2) also did the
--   resolving step (status 9), over the dossiers the row counts as resolved in the period;
-- - late_without_apology: finished late in the period or pending overdue at the cutoff, with no
--   apology letter (DanhSachXinLoi) dated on or before the due date it missed, over the dossiers
--   the row counts as resolved_late or pending_overdue.
--
-- Written by tthc_pipeline.report.snapshot in the transaction that publishes the version, from
-- the very classification that produced its rows (sql/report/compliance_dossiers.sql,
-- compliance_counts.sql), so a version's flags never move when later data arrives; triggers
-- refuse UPDATE, DELETE and TRUNCATE like every other published row.

-- Grain: one row per (tree, report date, version, flag, source, flagged dossier), at the unit of
-- the tree that counts the dossier (not repeated per ancestor: the view below expands it).
create table mart.chi_thi_04_compliance_dossier (
    tree_code text not null,
    report_date date not null,
    snapshot_version integer not null,
    flag text not null check (flag in ('same_officer', 'late_without_apology')),
    source_code text not null,
    dossier_code text not null,
    counted_unit_code text not null,
    reason text not null,
    officer_code text,
    due_date date,
    finished_date date,
    days_overdue integer,
    status_code integer not null,
    primary key (tree_code, report_date, snapshot_version, flag, source_code, dossier_code),
    foreign key (tree_code, report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (tree_code, report_date, snapshot_version)
);

comment on table mart.chi_thi_04_compliance_dossier is
    'Hồ sơ vi phạm quy định một cửa tại thời điểm chốt, ghi cùng phiên bản báo cáo, không đổi / '
    'the dossiers flagged by a one-stop compliance rule at a version''s cutoff, at the unit that '
    'counts them; written with the version, never changed. Read it through '
    'mart.chi_thi_04_compliance_dossiers (over each unit''s subtree)';
comment on column mart.chi_thi_04_compliance_dossier.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_compliance_dossier.report_date is
    'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_compliance_dossier.snapshot_version is
    'Phiên bản báo cáo / snapshot version';
comment on column mart.chi_thi_04_compliance_dossier.flag is
    'Cờ: same_officer (một cán bộ vừa tiếp nhận vừa xử lý xong), late_without_apology (trễ hạn '
    'không có phiếu xin lỗi đúng hạn) / the compliance flag';
comment on column mart.chi_thi_04_compliance_dossier.source_code is 'Nguồn của hồ sơ / the source system';
comment on column mart.chi_thi_04_compliance_dossier.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column mart.chi_thi_04_compliance_dossier.counted_unit_code is
    'Đơn vị trong cây tính hồ sơ (đơn vị xử lý, đơn vị kế thừa hoặc gốc) / the unit of the tree '
    'the dossier counts for: its handling unit, a successor, or the root';
comment on column mart.chi_thi_04_compliance_dossier.reason is
    'same_officer: resolved_early / resolved_on_time / resolved_late (kết quả giải quyết); '
    'late_without_apology: resolved_late (giải quyết quá hạn) hoặc pending_overdue (đang quá hạn) '
    '/ how the row counts the dossier';
comment on column mart.chi_thi_04_compliance_dossier.officer_code is
    'Mã cán bộ NguoiXuLy: same_officer: cán bộ vừa tiếp nhận vừa xử lý xong; late_without_apology: '
    'cán bộ của bước có hiệu lực lúc chốt / the officer who received and resolved the dossier, or '
    'for a late one the officer of the status step in force at the cutoff';
comment on column mart.chi_thi_04_compliance_dossier.due_date is
    'Hạn trả có hiệu lực lúc chốt (ngày) / due date in force at the cutoff: for a late dossier the '
    'due date it missed';
comment on column mart.chi_thi_04_compliance_dossier.finished_date is
    'Ngày kết thúc xử lý (nếu đã xong lúc chốt) / date processing finished, when finished by the cutoff';
comment on column mart.chi_thi_04_compliance_dossier.days_overdue is
    'Số ngày quá hạn (ngày lịch) khi trễ hạn; NULL nếu không / calendar days past the due date, '
    'for a late dossier';
comment on column mart.chi_thi_04_compliance_dossier.status_code is
    'Trạng thái lúc chốt TrangThaiHoSo / status in force at the cutoff';

create trigger chi_thi_04_compliance_dossier_immutable
before update or delete on mart.chi_thi_04_compliance_dossier
for each row execute function mart.refuse_change();
create trigger chi_thi_04_compliance_dossier_no_truncate
before truncate on mart.chi_thi_04_compliance_dossier
for each statement execute function mart.refuse_change();

-- Grain: one row per (tree, report date, version, unit of the tree), counting the unit's whole
-- subtree like its mart.chi_thi_04_weekly row; every unit has a row, 0 when nothing is flagged.
create table mart.chi_thi_04_compliance_count (
    tree_code text not null,
    report_date date not null,
    snapshot_version integer not null,
    unit_code text not null,
    resolved integer not null,
    same_officer integer not null,
    late_or_overdue integer not null,
    late_without_apology integer not null,
    own_same_officer integer not null,
    own_late_without_apology integer not null,
    primary key (tree_code, report_date, snapshot_version, unit_code),
    foreign key (tree_code, report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (tree_code, report_date, snapshot_version),
    check (same_officer <= resolved and late_without_apology <= late_or_overdue)
);

comment on table mart.chi_thi_04_compliance_count is
    'Số hồ sơ vi phạm quy định một cửa của mỗi đơn vị (cả cây trực thuộc), mỗi phiên bản, ghi cùng '
    'phiên bản, không đổi / one-stop compliance counts per unit (over its subtree) and snapshot '
    'version, next to the Directive 04 row; written with the version, never changed. Read it '
    'through mart.chi_thi_04_compliance';
comment on column mart.chi_thi_04_compliance_count.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_compliance_count.report_date is
    'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_compliance_count.snapshot_version is
    'Phiên bản báo cáo / snapshot version';
comment on column mart.chi_thi_04_compliance_count.unit_code is 'Mã đơn vị (dòng báo cáo) / unit code of the row';
comment on column mart.chi_thi_04_compliance_count.resolved is
    'Mẫu số của same_officer: hồ sơ đã giải quyết trong kỳ (= resolved của dòng báo cáo) / '
    'denominator of same_officer: the row''s resolved';
comment on column mart.chi_thi_04_compliance_count.same_officer is
    'Hồ sơ giải quyết trong kỳ do cùng một cán bộ tiếp nhận (bước 2) và xử lý xong (bước 9) / '
    'dossiers resolved in the period whose reception and resolving steps had the same officer';
comment on column mart.chi_thi_04_compliance_count.late_or_overdue is
    'Mẫu số của late_without_apology: resolved_late + pending_overdue của dòng báo cáo / '
    'denominator of late_without_apology: the row''s resolved_late + pending_overdue';
comment on column mart.chi_thi_04_compliance_count.late_without_apology is
    'Hồ sơ trễ hạn (giải quyết quá hạn hoặc đang quá hạn) không có phiếu xin lỗi ghi ngày trước '
    'hoặc đúng hạn trả đã lỡ / late or overdue dossiers without an apology letter dated on or '
    'before the due date they missed';
comment on column mart.chi_thi_04_compliance_count.own_same_officer is
    'same_officer của riêng đơn vị (hồ sơ tính cho chính đơn vị, không kể đơn vị cấp dưới): để '
    'xếp hạng đơn vị vi phạm / same_officer over the unit''s own dossiers only (not its subtree): '
    'what the summary ranks units by';
comment on column mart.chi_thi_04_compliance_count.own_late_without_apology is
    'late_without_apology của riêng đơn vị (không kể đơn vị cấp dưới) / late_without_apology over '
    'the unit''s own dossiers only (not its subtree)';

create trigger chi_thi_04_compliance_count_immutable
before update or delete on mart.chi_thi_04_compliance_count
for each row execute function mart.refuse_change();
create trigger chi_thi_04_compliance_count_no_truncate
before truncate on mart.chi_thi_04_compliance_count
for each statement execute function mart.refuse_change();

-- A view over the stored counts (not a table of its own): the unit's name and tree position
-- come from its weekly row of the same version, so nothing is stored twice.
-- Grain: as mart.chi_thi_04_compliance_count.
create view mart.chi_thi_04_compliance as
select
    c.tree_code,
    c.report_date,
    c.snapshot_version as version,  -- noqa: RF04
    c.unit_code,
    w.unit_name,
    w.unit_level,
    w.parent_unit_code,
    w.unit_depth,
    w.tree_path,
    c.resolved,
    c.same_officer,
    c.late_or_overdue,
    c.late_without_apology,
    c.own_same_officer,
    c.own_late_without_apology,
    c.snapshot_version = latest.snapshot_version as is_latest_version,
    c.snapshot_version
from mart.chi_thi_04_compliance_count as c
inner join mart.chi_thi_04_weekly as w
    on c.tree_code = w.tree_code
    and c.report_date = w.report_date
    and c.snapshot_version = w.snapshot_version
    and c.unit_code = w.unit_code
inner join (
    select tree_code, report_date, max(snapshot_version) as snapshot_version
    from mart.chi_thi_04_snapshot
    group by tree_code, report_date
) as latest on c.tree_code = latest.tree_code and c.report_date = latest.report_date;

comment on view mart.chi_thi_04_compliance is
    'Tuân thủ một cửa: mỗi đơn vị (cả cây trực thuộc), mỗi kỳ và phiên bản, số hồ sơ một cán bộ '
    'vừa tiếp nhận vừa xử lý xong và số hồ sơ trễ hạn không xin lỗi, kèm mẫu số / one-stop '
    'compliance per unit (over its subtree), report date and version: same_officer over resolved, '
    'late_without_apology over late_or_overdue; every version (is_latest_version marks the latest)';
comment on column mart.chi_thi_04_compliance.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_compliance.report_date is 'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_compliance.version is 'Phiên bản báo cáo / snapshot version (= snapshot_version)';
comment on column mart.chi_thi_04_compliance.unit_code is 'Mã đơn vị / unit code';
comment on column mart.chi_thi_04_compliance.unit_name is 'Tên đơn vị tại thời điểm chốt / unit name at the cutoff';
comment on column mart.chi_thi_04_compliance.unit_level is 'Cấp đơn vị (tinh, so, huyen, xa, phong) / unit level';
comment on column mart.chi_thi_04_compliance.parent_unit_code is 'Đơn vị cha lúc chốt / parent unit at the cutoff';
comment on column mart.chi_thi_04_compliance.unit_depth is 'Độ sâu trong cây (gốc = 0) / depth in the tree, root 0';
comment on column mart.chi_thi_04_compliance.tree_path is 'Đường dẫn mã đơn vị từ gốc, cách nhau bởi / / unit codes from the root';
comment on column mart.chi_thi_04_compliance.resolved is
    'Hồ sơ đã giải quyết trong kỳ (mẫu số same_officer) / resolved in the period (same_officer''s denominator)';
comment on column mart.chi_thi_04_compliance.same_officer is
    'Hồ sơ một cán bộ vừa tiếp nhận vừa xử lý xong / resolved dossiers received and resolved by the same officer';
comment on column mart.chi_thi_04_compliance.late_or_overdue is
    'Hồ sơ giải quyết quá hạn + đang quá hạn (mẫu số late_without_apology) / resolved_late + '
    'pending_overdue (late_without_apology''s denominator)';
comment on column mart.chi_thi_04_compliance.late_without_apology is
    'Hồ sơ trễ hạn không có phiếu xin lỗi trước hoặc đúng hạn đã lỡ / late or overdue dossiers '
    'without an apology letter dated on or before the due date they missed';
comment on column mart.chi_thi_04_compliance.own_same_officer is
    'same_officer của riêng đơn vị, không kể cấp dưới / over the unit''s own dossiers only';
comment on column mart.chi_thi_04_compliance.own_late_without_apology is
    'late_without_apology của riêng đơn vị, không kể cấp dưới / over the unit''s own dossiers only';
comment on column mart.chi_thi_04_compliance.is_latest_version is
    'Là phiên bản mới nhất của kỳ / the version is the latest of its report date';
comment on column mart.chi_thi_04_compliance.snapshot_version is
    'Phiên bản báo cáo (như version) / snapshot version, as in the other mart objects';

-- Grain: one row per (tree, report date, version, unit, flag, flagged dossier of its subtree).
create view mart.chi_thi_04_compliance_dossiers as
select
    d.tree_code,
    d.report_date,
    d.snapshot_version as version,  -- noqa: RF04
    ancestor.code as unit_code,
    d.flag,
    d.dossier_code,
    d.reason,
    d.source_code,
    d.counted_unit_code,
    d.officer_code,
    d.due_date,
    d.finished_date,
    d.days_overdue,
    d.status_code,
    d.snapshot_version
from mart.chi_thi_04_compliance_dossier as d
inner join mart.chi_thi_04_weekly as w
    on d.tree_code = w.tree_code
    and d.report_date = w.report_date
    and d.snapshot_version = w.snapshot_version
    and d.counted_unit_code = w.unit_code
cross join lateral unnest(string_to_array(w.tree_path, '/')) as ancestor (code);

comment on view mart.chi_thi_04_compliance_dossiers is
    'Hồ sơ vi phạm quy định một cửa theo đơn vị (cả cây trực thuộc) / the flagged dossiers of each '
    'unit''s subtree, per report date, version and flag: the lists behind mart.chi_thi_04_compliance';
comment on column mart.chi_thi_04_compliance_dossiers.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_compliance_dossiers.report_date is 'Ngày báo cáo (thứ Sáu) / report date R';
comment on column mart.chi_thi_04_compliance_dossiers.version is 'Phiên bản báo cáo / snapshot version';
comment on column mart.chi_thi_04_compliance_dossiers.unit_code is
    'Đơn vị có hồ sơ trong cây trực thuộc / a unit whose subtree holds the dossier';
comment on column mart.chi_thi_04_compliance_dossiers.flag is 'Cờ: same_officer, late_without_apology / the flag';
comment on column mart.chi_thi_04_compliance_dossiers.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column mart.chi_thi_04_compliance_dossiers.reason is
    'Cách dòng báo cáo tính hồ sơ (xem mart.chi_thi_04_compliance_dossier.reason) / how the row counts it';
comment on column mart.chi_thi_04_compliance_dossiers.source_code is 'Nguồn của hồ sơ / the source system';
comment on column mart.chi_thi_04_compliance_dossiers.counted_unit_code is
    'Đơn vị tính hồ sơ / the unit of the tree the dossier counts for';
comment on column mart.chi_thi_04_compliance_dossiers.officer_code is
    'Mã cán bộ NguoiXuLy (xem bảng gốc) / officer id (see the table)';
comment on column mart.chi_thi_04_compliance_dossiers.due_date is 'Hạn trả có hiệu lực lúc chốt / due date in force at the cutoff';
comment on column mart.chi_thi_04_compliance_dossiers.finished_date is 'Ngày kết thúc xử lý / date finished';
comment on column mart.chi_thi_04_compliance_dossiers.days_overdue is 'Số ngày quá hạn / calendar days overdue';
comment on column mart.chi_thi_04_compliance_dossiers.status_code is 'Trạng thái lúc chốt / status at the cutoff';
comment on column mart.chi_thi_04_compliance_dossiers.snapshot_version is
    'Phiên bản báo cáo (như version) / snapshot version';

do $$
begin
    if exists (select from pg_roles where rolname = 'bi_reader') then
        grant select on mart.chi_thi_04_compliance_dossier, mart.chi_thi_04_compliance_count,
            mart.chi_thi_04_compliance, mart.chi_thi_04_compliance_dossiers to bi_reader;
    end if;
end
$$;
