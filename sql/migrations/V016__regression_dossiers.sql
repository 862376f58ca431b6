-- V016: the regression drill-down (issue 16, item 1): for every unit and indicator of a snapshot
-- version whose colour fell since the previous report, the dossiers that count against it at
-- the cutoff, over the unit's subtree exactly as its report row counts them.
--
-- Written by tthc_pipeline.report.snapshot in the transaction that publishes the version
-- (sql/report/regression_dossiers.sql, from the classified dossiers of that very computation),
-- so a version's list never moves when later data arrives; triggers refuse UPDATE, DELETE and
-- TRUNCATE like every other published row.
--
-- What counts against an indicator (shared/spec/domain.md, "The weekly report"):
-- - on_time: resolved late in the period (resolved_late), or active and past the due date in
--   force at the cutoff (pending_overdue);
-- - online: received in the period in person or by post for a procedure offered online at the
--   cutoff (toan_trinh, mot_phan); offline dossiers of procedures with no online service also
--   lower the rate but are not listed: nobody could have filed them online;
-- - payment: fee dossiers received in the period without a successful online payment at the
--   cutoff;
-- - overall: the dossiers of the indicators that pulled the overall colour down, i.e. those whose
--   colour is now the (lower) overall colour. This also covers an overall drop with no indicator
--   of its own regressing (an indicator moving from trang to a low colour).

-- Grain: one row per (tree, report date, version, regressed unit, indicator, source, dossier).
create table mart.chi_thi_04_regression_dossier (
    tree_code text not null,
    report_date date not null,
    snapshot_version integer not null,
    unit_code text not null,
    indicator text not null check (indicator in ('on_time', 'online', 'payment', 'overall')),
    source_code text not null,
    dossier_code text not null,
    reason text not null,
    counted_unit_code text not null,
    procedure_code text,
    channel_code smallint,
    received_at timestamptz,
    due_date date,
    finished_date date,
    days_overdue integer,
    status_code integer not null,
    handling_room text,
    officer_code text,
    is_new boolean not null,
    -- a source may issue the same MaHoSo as another one in a multi-source tree: source_code
    -- is part of the key
    primary key (
        tree_code, report_date, snapshot_version, unit_code, indicator, source_code, dossier_code
    ),
    foreign key (tree_code, report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (tree_code, report_date, snapshot_version)
);

comment on table mart.chi_thi_04_regression_dossier is
    'Hồ sơ làm tụt hạng: hồ sơ tính vào chỉ số bị tụt màu của đơn vị (cả cây trực thuộc) tại thời '
    'điểm chốt, ghi cùng phiên bản báo cáo, không đổi / regression drill-down: for each unit and '
    'indicator of a snapshot version whose colour fell, the dossiers of the unit''s subtree that '
    'count against that indicator at the cutoff; written with the version, never changed. Read it '
    'through mart.chi_thi_04_regression_dossiers';
comment on column mart.chi_thi_04_regression_dossier.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_regression_dossier.report_date is
    'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_regression_dossier.snapshot_version is
    'Phiên bản báo cáo / snapshot version';
comment on column mart.chi_thi_04_regression_dossier.unit_code is
    'Đơn vị tụt hạng (dòng báo cáo) / the regressed unit whose row the dossier counts in';
comment on column mart.chi_thi_04_regression_dossier.indicator is
    'Chỉ số tụt màu: on_time, online, payment, overall / the indicator that regressed; overall '
    'lists the dossiers of the indicators whose colour is now the overall colour';
comment on column mart.chi_thi_04_regression_dossier.source_code is
    'Nguồn của hồ sơ / the source system of the dossier';
comment on column mart.chi_thi_04_regression_dossier.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column mart.chi_thi_04_regression_dossier.reason is
    'Lý do: resolved_late (giải quyết quá hạn), pending_overdue (đang quá hạn), '
    'received_in_person / received_by_post / received_unknown_channel (nộp không trực tuyến dù '
    'thủ tục có DVC trực tuyến), not_paid_online (có phí, chưa thanh toán trực tuyến); overall: '
    'các lý do cách nhau bởi dấu phẩy / why the dossier counts against the indicator; for overall '
    'its reasons under the driving indicators, comma-separated';
comment on column mart.chi_thi_04_regression_dossier.counted_unit_code is
    'Đơn vị trong cây tính hồ sơ (đơn vị xử lý hoặc đơn vị kế thừa) / the unit of the subtree the '
    'dossier counts for: its handling unit, a successor, or the root';
comment on column mart.chi_thi_04_regression_dossier.procedure_code is 'Mã thủ tục MaTTHC / procedure code';
comment on column mart.chi_thi_04_regression_dossier.channel_code is
    'Kênh nộp KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính / filing channel; NULL unknown';
comment on column mart.chi_thi_04_regression_dossier.received_at is 'Ngày tiếp nhận NgayTiepNhan / received';
comment on column mart.chi_thi_04_regression_dossier.due_date is
    'Hạn trả có hiệu lực lúc chốt (ngày) / due date in force at the cutoff (a supplement round not '
    'completed by then keeps its NgayHenTraTruoc); NULL when none';
comment on column mart.chi_thi_04_regression_dossier.finished_date is
    'Ngày kết thúc xử lý (nếu đã xong lúc chốt) / date processing finished, when finished by the cutoff';
comment on column mart.chi_thi_04_regression_dossier.days_overdue is
    'Số ngày quá hạn (ngày lịch): trễ khi giải quyết, hoặc đến ngày chốt nếu đang quá hạn; NULL nếu '
    'không quá hạn / calendar days past the due date: finished date − due date for a late '
    'resolution, report date − due date for a pending overdue dossier; NULL when not late';
comment on column mart.chi_thi_04_regression_dossier.status_code is
    'Trạng thái lúc chốt TrangThaiHoSo / status at the cutoff';
comment on column mart.chi_thi_04_regression_dossier.handling_room is
    'Phòng ban xử lý PhongBanXuLy của bước có hiệu lực lúc chốt / handling room of the status step '
    'in force at the cutoff';
comment on column mart.chi_thi_04_regression_dossier.officer_code is
    'Mã cán bộ NguoiXuLy của bước có hiệu lực lúc chốt / officer id of the status step in force at '
    'the cutoff';
comment on column mart.chi_thi_04_regression_dossier.is_new is
    'Mới so với tuần trước: hồ sơ chưa tính vào chỉ số này lúc chốt tuần trước. Đúng hạn: mới trừ '
    'khi đã đang quá hạn lúc chốt tuần trước (đang xử lý, hạn có hiệu lực lúc đó đã qua); trực '
    'tuyến, thanh toán: luôn mới (tiếp nhận trong kỳ); chung: mới nếu mới theo một chỉ số dẫn '
    'xuống / new since the previous week: the dossier did not already count against the indicator '
    'at the previous cutoff (the period start). on_time: new unless it was already active and past '
    'the due date then in force at the period start; online, payment: always new (received in the '
    'period); overall: new under any driving indicator';

create index chi_thi_04_regression_dossier_dossier_idx
    on mart.chi_thi_04_regression_dossier (source_code, dossier_code);

create trigger chi_thi_04_regression_dossier_immutable
before update or delete on mart.chi_thi_04_regression_dossier
for each row execute function mart.refuse_change();
create trigger chi_thi_04_regression_dossier_no_truncate
before truncate on mart.chi_thi_04_regression_dossier
for each statement execute function mart.refuse_change();

-- Grain: as the table, with the unit's name, level and both colours of the indicator.
create view mart.chi_thi_04_regression_dossiers as
select
    d.tree_code,
    d.report_date,
    d.snapshot_version as version,  -- noqa: RF04
    d.unit_code,
    w.unit_name,
    w.unit_level,
    d.indicator,
    i.previous_colour,
    i.colour,
    d.dossier_code,
    d.reason,
    d.source_code,
    d.counted_unit_code,
    d.procedure_code,
    d.channel_code,
    d.received_at,
    d.due_date,
    d.finished_date,
    d.days_overdue,
    d.status_code,
    d.handling_room,
    d.officer_code,
    d.is_new,
    d.snapshot_version = latest.snapshot_version as is_latest_version,
    d.snapshot_version
from mart.chi_thi_04_regression_dossier as d
inner join mart.chi_thi_04_weekly as w
    on d.tree_code = w.tree_code
    and d.report_date = w.report_date
    and d.snapshot_version = w.snapshot_version
    and d.unit_code = w.unit_code
inner join (
    select tree_code, report_date, max(snapshot_version) as snapshot_version
    from mart.chi_thi_04_snapshot
    group by tree_code, report_date
) as latest on d.tree_code = latest.tree_code and d.report_date = latest.report_date
cross join lateral (
    values
        ('on_time', w.prev_on_time_colour, w.on_time_colour),
        ('online', w.prev_online_colour, w.online_colour),
        ('payment', w.prev_payment_colour, w.payment_colour),
        ('overall', w.prev_overall_colour, w.overall_colour)
) as i (indicator, previous_colour, colour)
where i.indicator = d.indicator;

comment on view mart.chi_thi_04_regression_dossiers is
    'Hồ sơ làm tụt hạng, mọi phiên bản / why a unit turned red: one row per (report date, version, '
    'regressed unit, indicator, dossier) with the reason, the due date in force, days overdue, the '
    'handling room and officer, and whether the dossier is new since the previous week; every '
    'version (is_latest_version marks the latest of its report date)';
comment on column mart.chi_thi_04_regression_dossiers.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_regression_dossiers.report_date is
    'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_regression_dossiers.version is
    'Phiên bản báo cáo / snapshot version (= snapshot_version)';
comment on column mart.chi_thi_04_regression_dossiers.unit_code is
    'Đơn vị tụt hạng / the regressed unit (its row counts the dossier)';
comment on column mart.chi_thi_04_regression_dossiers.unit_name is
    'Tên đơn vị tại thời điểm chốt / unit name at the cutoff';
comment on column mart.chi_thi_04_regression_dossiers.unit_level is
    'Cấp đơn vị (tinh, so, huyen, xa, phong) / unit level';
comment on column mart.chi_thi_04_regression_dossiers.indicator is
    'Chỉ số tụt màu: on_time, online, payment, overall / the indicator that regressed';
comment on column mart.chi_thi_04_regression_dossiers.previous_colour is
    'Màu tuần trước / colour of the indicator in the previous report';
comment on column mart.chi_thi_04_regression_dossiers.colour is
    'Màu tuần này / colour of the indicator in this version';
comment on column mart.chi_thi_04_regression_dossiers.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column mart.chi_thi_04_regression_dossiers.reason is
    'Lý do tính vào chỉ số (xem mart.chi_thi_04_regression_dossier.reason) / why it counts against '
    'the indicator: resolved_late, pending_overdue, received_in_person, received_by_post, '
    'received_unknown_channel, not_paid_online; comma-separated for overall';
comment on column mart.chi_thi_04_regression_dossiers.source_code is 'Nguồn của hồ sơ / the source system';
comment on column mart.chi_thi_04_regression_dossiers.counted_unit_code is
    'Đơn vị trong cây tính hồ sơ / the unit of the subtree the dossier counts for';
comment on column mart.chi_thi_04_regression_dossiers.procedure_code is 'Mã thủ tục / procedure code';
comment on column mart.chi_thi_04_regression_dossiers.channel_code is
    'Kênh nộp: 1 trực tiếp, 2 trực tuyến, 3 bưu chính / filing channel';
comment on column mart.chi_thi_04_regression_dossiers.received_at is 'Ngày tiếp nhận / received';
comment on column mart.chi_thi_04_regression_dossiers.due_date is
    'Hạn trả có hiệu lực lúc chốt / due date in force at the cutoff';
comment on column mart.chi_thi_04_regression_dossiers.finished_date is
    'Ngày kết thúc xử lý / date processing finished (by the cutoff)';
comment on column mart.chi_thi_04_regression_dossiers.days_overdue is
    'Số ngày quá hạn (ngày lịch) / calendar days late (resolved) or overdue at the report date';
comment on column mart.chi_thi_04_regression_dossiers.status_code is 'Trạng thái lúc chốt / status at the cutoff';
comment on column mart.chi_thi_04_regression_dossiers.handling_room is
    'Phòng ban xử lý (bước có hiệu lực lúc chốt) / handling room of the step in force at the cutoff';
comment on column mart.chi_thi_04_regression_dossiers.officer_code is
    'Mã cán bộ xử lý (bước có hiệu lực lúc chốt) / officer id of the step in force at the cutoff';
comment on column mart.chi_thi_04_regression_dossiers.is_new is
    'Mới so với tuần trước: chưa tính vào chỉ số này lúc chốt tuần trước / new since the previous '
    'week: it did not already count against the indicator at the previous cutoff (on_time: not '
    'already overdue then; online, payment: always, being received in the period)';
comment on column mart.chi_thi_04_regression_dossiers.is_latest_version is
    'Là phiên bản mới nhất của kỳ / the version is the latest of its report date';
comment on column mart.chi_thi_04_regression_dossiers.snapshot_version is
    'Phiên bản báo cáo (như version) / snapshot version, as in the other mart objects';

do $$
begin
    if exists (select from pg_roles where rolname = 'bi_reader') then
        grant select on mart.chi_thi_04_regression_dossier, mart.chi_thi_04_regression_dossiers
            to bi_reader;
    end if;
end
$$;
